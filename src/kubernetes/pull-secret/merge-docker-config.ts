// Writes one registry's entry into a `.dockerconfigjson` document that may
// hold other credentials (Docker Hub, another registry) and settings
// (`credsStore`, `credHelpers`): only the value of `auths[<host>]` is
// replaced, or the entry added, and every other byte stays as it was. A
// parse-and-stringify would reorder, reformat or re-escape what others wrote,
// so the document is edited as text at the spans a small scanner finds. The
// text is handled as latin1, one character per byte: the JSON structure is
// all ASCII, so multi-byte UTF-8 inside others' strings passes through untouched.

interface Span {
  start: number;
  end: number;
}

interface Member {
  key: string;
  value: Span;
}

interface ObjectSpan extends Span {
  members: Member[];
}

/** Why the document cannot take our entry without losing something, or undefined when it can. */
export function unmergeableReason(document: Buffer): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document.toString('utf8'));
  } catch {
    return 'is not JSON';
  }
  if (parsed === null) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return 'is not a JSON object';
  const auths = (parsed as Record<string, unknown>).auths;
  if (auths !== undefined && auths !== null && (typeof auths !== 'object' || Array.isArray(auths))) return 'has an "auths" that is not an object';
  return undefined;
}

/** The document with `auths[host]` set to `entry` (JSON text) and nothing else changed. */
export function mergeDockerConfig(document: Buffer, host: string, entry: string): Buffer {
  const reason = unmergeableReason(document);
  if (reason) throw new Error(`the .dockerconfigjson document ${reason}`);
  const text = document.toString('latin1');
  const member = `${JSON.stringify(host)}:${entry}`;
  const start = skipSpace(text, 0);
  // `null` decodes as an empty document: there is nothing in it to keep.
  if (text.startsWith('null', start)) return latin1(`${text.slice(0, start)}{"auths":{${member}}}${text.slice(start + 4)}`);
  const top = scanObject(text, start);
  const auths = top.members.filter((m) => m.key === 'auths').at(-1);
  if (!auths) return latin1(insertMember(text, top, `"auths":{${member}}`));
  if (text.startsWith('null', auths.value.start)) return latin1(splice(text, auths.value, `{${member}}`));
  const registries = scanObject(text, auths.value.start);
  const ours = registries.members.filter((m) => m.key === host);
  if (ours.length === 0) return latin1(insertMember(text, registries, member));
  // Every copy of the key is replaced (readers take the last): no stale credential of ours is left behind.
  let out = text;
  for (const m of ours.reverse()) out = splice(out, m.value, entry);
  return latin1(out);
}

function latin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

function splice(text: string, span: Span, replacement: string): string {
  return `${text.slice(0, span.start)}${replacement}${text.slice(span.end)}`;
}

/** Adds a member after the object's last one (or first, in an empty object). */
function insertMember(text: string, object: ObjectSpan, member: string): string {
  const last = object.members.at(-1);
  const at = last ? last.value.end : object.start + 1;
  return `${text.slice(0, at)}${last ? ',' : ''}${member}${text.slice(at)}`;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  return i;
}

/** The object starting at `i` (its `{`), with each member's decoded key and value span. */
function scanObject(text: string, i: number): ObjectSpan {
  const start = i;
  const members: Member[] = [];
  i = skipSpace(text, i + 1);
  if (text[i] === '}') return { start, end: i + 1, members };
  for (;;) {
    const keyEnd = scanString(text, i);
    const key = JSON.parse(Buffer.from(text.slice(i, keyEnd), 'latin1').toString('utf8')) as string;
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const valueEnd = scanValue(text, valueStart);
    members.push({ key, value: { start: valueStart, end: valueEnd } });
    i = skipSpace(text, valueEnd);
    if (text[i] === '}') return { start, end: i + 1, members };
    i = skipSpace(text, i + 1); // past the comma
  }
}

/** The end (exclusive) of the value starting at `i`; the document is known to be valid JSON. */
function scanValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return scanString(text, i);
  if (c === '{') return scanObject(text, i).end;
  if (c === '[') {
    i = skipSpace(text, i + 1);
    if (text[i] === ']') return i + 1;
    for (;;) {
      i = skipSpace(text, scanValue(text, i));
      if (text[i] === ']') return i + 1;
      i = skipSpace(text, i + 1);
    }
  }
  // A number, true, false or null: runs to the next delimiter.
  while (i < text.length && !',}] \t\r\n'.includes(text[i]!)) i++;
  return i;
}

function scanString(text: string, i: number): number {
  for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
  return i + 1;
}
