// Where a JSON text first goes wrong. Node 20's JSON.parse often reports no
// position at all ("Unexpected token 'x', ... is not valid JSON"), and an
// operator needs a line and column to fix a config file.

/** Offset of the first syntax error and what was expected there, or undefined for valid JSON. */
export function findJsonError(text: string): { offset: number; expected: string } | undefined {
  let i = 0;
  const fail = (expected: string): never => {
    throw { offset: i, expected };
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`\`${word}\``);
  };
  const string = () => {
    if (text[i] !== '"') fail('a double-quoted string');
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail('a closing `"` (line breaks are not allowed in strings)');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail('a valid escape');
      }
      i++;
    }
    if (i >= text.length) fail('a closing `"`');
    i++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i));
    if (!match) fail('a value');
    i += match![0].length;
  };
  // An object or an array: items separated by `,` up to the closing bracket.
  const list = (close: '}' | ']', item: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === close) return void i++;
      else fail(`\`,\` or \`${close}\``);
    }
  };
  const member = () => {
    space();
    string();
    space();
    if (text[i] !== ':') fail('`:` after the key');
    i++;
    value();
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{') return list('}', member);
    if (ch === '[') return list(']', value);
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    return number();
  };
  try {
    value();
    space();
    if (i < text.length) fail('the end of the file');
    return undefined;
  } catch (error) {
    return error as { offset: number; expected: string };
  }
}
