// Parses the text of the config file: JSON for `.json` (strict, so a JSON file
// is not silently read as YAML), YAML for everything else. A syntax error
// becomes one message naming the file, line and column, without echoing file
// content.
import { parseDocument } from 'yaml';
import { findJsonError } from './find-json-error.js';

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
