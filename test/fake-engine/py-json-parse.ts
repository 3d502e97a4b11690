/**
 * Python's `json.loads` (the C scanner, strict mode) for the places vLLM calls it on model or
 * client text: tool-call bodies in the hermes parser and assistant `arguments` strings in chat
 * history. Accepts what Python accepts (NaN, Infinity, duplicate keys: last value wins at the
 * first key's position) and fails with Python's messages, e.g.
 * "Expecting ',' delimiter: line 1 column 9 (char 8)".
 */
import { PyFloat, type PyJson, type PyObject } from './py-json.ts';

export class PyJsonDecodeError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
    text: string,
  ) {
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const lastNewline = before.lastIndexOf('\n');
    const column = lastNewline === -1 ? position + 1 : position - lastNewline;
    super(`${reason}: line ${line} column ${column} (char ${position})`);
    this.name = 'JSONDecodeError';
  }
}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(reason: string, at = this.pos): never {
    throw new PyJsonDecodeError(reason, at, this.text);
  }

  skipWhitespace(): void {
    while (this.pos < this.text.length && WHITESPACE.has(this.text[this.pos] ?? '')) this.pos += 1;
  }

  value(): PyJson {
    const ch = this.text[this.pos];
    if (ch === '"') return this.string();
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    for (const [word, result] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return result;
      }
    }
    return this.number();
  }

  number(): PyJson {
    NUMBER_RE.lastIndex = this.pos;
    const match = NUMBER_RE.exec(this.text);
    if (match === null) return this.fail('Expecting value');
    this.pos += match[0].length;
    if (match[1] !== undefined || match[2] !== undefined) return new PyFloat(Number(match[0]));
    const asNumber = Number(match[0]);
    return Number.isSafeInteger(asNumber) ? asNumber + 0 : BigInt(match[0]);
  }

  string(): string {
    const start = this.pos;
    this.pos += 1;
    let out = '';
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) return this.fail('Unterminated string starting at', start);
      if (ch === '"') {
        this.pos += 1;
        return out;
      }
      if (ch < ' ') return this.fail('Invalid control character at');
      if (ch !== '\\') {
        out += ch;
        this.pos += 1;
        continue;
      }
      const code = this.text[this.pos + 1];
      if (code === undefined) return this.fail('Unterminated string starting at', start);
      const simple = SIMPLE_ESCAPES[code];
      if (simple !== undefined) {
        out += simple;
        this.pos += 2;
      } else if (code === 'u') {
        out += this.unicodeEscape();
      } else {
        this.fail('Invalid \\escape');
      }
    }
  }

  unicodeEscape(): string {
    const hex = this.text.slice(this.pos + 2, this.pos + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\uXXXX escape', this.pos + 1);
    this.pos += 6;
    // Python joins a \ud8xx\udcxx pair into one code point; JS strings hold the pair as is.
    return String.fromCharCode(Number.parseInt(hex, 16));
  }

  object(): PyObject {
    const result: PyObject = new Map();
    this.pos += 1;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos += 1;
      return result;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail('Expecting property name enclosed in double quotes');
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("Expecting ':' delimiter");
      this.pos += 1;
      this.skipWhitespace();
      result.set(key, this.value());
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos += 1;
      if (next === '}') return result;
      if (next !== ',') this.fail("Expecting ',' delimiter", this.pos - 1);
      this.skipWhitespace();
    }
  }

  array(): PyJson[] {
    const result: PyJson[] = [];
    this.pos += 1;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos += 1;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos += 1;
      if (next === ']') return result;
      if (next !== ',') this.fail("Expecting ',' delimiter", this.pos - 1);
      this.skipWhitespace();
    }
  }
}

const LITERALS: ReadonlyArray<readonly [string, PyJson]> = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', new PyFloat(Number.NaN)],
  ['Infinity', new PyFloat(Number.POSITIVE_INFINITY)],
  ['-Infinity', new PyFloat(Number.NEGATIVE_INFINITY)],
];

/** `json.loads(text)`; throws `PyJsonDecodeError` with Python's message on invalid input. */
export function parsePyJson(text: string): PyJson {
  const scanner = new Scanner(text);
  scanner.skipWhitespace();
  const value = scanner.value();
  scanner.skipWhitespace();
  if (scanner.pos !== text.length) scanner.fail('Extra data');
  return value;
}

/** `True` when Python's `json.loads` would accept the text (vllm/tool_parsers/utils.py). */
export function isCompletePyJson(text: string): boolean {
  try {
    parsePyJson(text);
    return true;
  } catch {
    return false;
  }
}
