// The config file: read once, parsed as JSON for `.json` (strict, so a JSON
// file is not silently read as YAML) and YAML for everything else, and
// checked to hold a mapping. A file that cannot be read or parsed becomes one
// problem naming the file, line and column, without echoing file content.
import { parseDocument } from 'yaml';
import type { ConfigProblem } from './config-error.js';

/** The text of a file a setting names, or undefined after recording why it cannot be read (never what it holds). */
export function readNamedFile(
  file: { path: string; field: string; what?: string; fix?: string },
  readFile: (path: string) => string,
  problems: ConfigProblem[],
): string | undefined {
  try {
    return readFile(file.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code ?? 'read error';
    const fix = file.fix ?? 'check that the file exists, is mounted and readable';
    problems.push({ field: file.field, message: `cannot read ${file.what ?? ''}${JSON.stringify(file.path)} (${code}): ${fix}` });
    return undefined;
  }
}

/** The file's top-level mapping ({} for an empty file), or undefined after recording why there is none. */
export function readConfigFile(
  path: string | undefined,
  field: string,
  readFile: (path: string) => string,
  problems: ConfigProblem[],
): Record<string, unknown> | undefined {
  if (path === undefined) return undefined;
  const text = readNamedFile({ path, field, what: 'config file ', fix: 'check the path and that the file is mounted' }, readFile, problems);
  if (text === undefined) return undefined;
  const parsed = parseConfigFile(text, path);
  if (!parsed.ok) {
    problems.push({ field, message: parsed.message });
    return undefined;
  }
  if (parsed.value === null || parsed.value === undefined) return {};
  if (typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    problems.push({ field, message: `${JSON.stringify(path)} must hold a mapping of settings (like \`targets:\` and \`schedule:\`) at the top level` });
    return undefined;
  }
  return parsed.value as Record<string, unknown>;
}

export type ParsedConfigFile = { ok: true; value: unknown } | { ok: false; message: string };

export function parseConfigFile(text: string, path: string): ParsedConfigFile {
  return /\.json$/i.test(path) ? parseJson(text, path) : parseYaml(text, path);
}

function parseJson(text: string, path: string): ParsedConfigFile {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const error = findJsonError(text) ?? { offset: text.length, expected: 'valid JSON' };
    const { line, column } = lineAndColumn(text, error.offset);
    const next = text[error.offset];
    const found = next === undefined ? 'the end of the file' : next === '\n' || next === '\r' ? 'a line break' : JSON.stringify(next);
    return {
      ok: false,
      message: `${JSON.stringify(path)} is not valid JSON: line ${line}, column ${column}: expected ${error.expected}, found ${found}`,
    };
  }
}

function parseYaml(text: string, path: string): ParsedConfigFile {
  const document = parseDocument(text, { prettyErrors: true });
  const error = document.errors[0];
  if (error) {
    const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    const where = error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}: ` : '';
    return { ok: false, message: `${JSON.stringify(path)} is not valid YAML: ${where}${reason}` };
  }
  try {
    return { ok: true, value: document.toJS() };
  } catch (caught) {
    return { ok: false, message: `${JSON.stringify(path)} is not valid YAML: ${(caught as Error).message}` };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

// Where a JSON text first goes wrong. JSON.parse often reports no position at
// all ("Unexpected token 'x', ... is not valid JSON"), and an operator needs a
// line and column to fix a config file.

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
