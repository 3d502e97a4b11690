/**
 * Python `json.dumps(x, ensure_ascii=False)` in TypeScript: separators ", " and ": ", non-ASCII kept
 * as is, key order preserved, and floats printed the way Python's `float.__repr__` prints them
 * ("1.0", "1e+16", "1.5e-05"). vLLM re-serialises tool-call arguments with exactly this
 * (hermes_tool_parser.py), and transformers' Jinja `tojson` filter is the same call, so the chat
 * template renders tools and history arguments with it too.
 *
 * Values parsed by `parsePyJson` (py-json-parse.ts) keep what JavaScript would lose: object key
 * order for integer-like keys (a `Map`), floats with a zero fraction (`PyFloat`), and big integers
 * (`bigint`). Plain JavaScript values (from `JSON.parse`) are accepted as well.
 */

/** A JSON number that Python would hold as a float even though its value is integral. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** What `parsePyJson` returns. */
export type PyJson = null | boolean | string | number | bigint | PyFloat | PyJson[] | PyObject;
/** A parsed JSON object, in source key order (Python dicts keep insertion order). */
export type PyObject = Map<string, PyJson>;

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, like repr.
  const [mantissa = '0', exponentText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${head}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) {
    return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
  }
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** Python's `py_encode_basestring`: only quotes, backslashes and C0 controls are escaped. */
export function pyQuote(text: string): string {
  const escaped = text.replace(/[\u0000-\u001f"\\]/g, (ch) => {
    return ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}

function dumpNumber(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : pyFloatRepr(value);
}

/**
 * `json.dumps(value, ensure_ascii=False)`. Accepts parsed `PyJson` values and plain JavaScript
 * JSON values; `undefined` members of plain objects are skipped like `JSON.stringify` does.
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return pyQuote(value);
    case 'number':
      return dumpNumber(value);
    case 'bigint':
      return value.toString();
    default:
      break;
  }
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (Array.isArray(value)) return `[${value.map((item: unknown) => pyJsonDumps(item)).join(', ')}]`;
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [key, item] of value as Map<unknown, unknown>) {
      parts.push(`${pyQuote(String(key))}: ${pyJsonDumps(item)}`);
    }
    return `{${parts.join(', ')}}`;
  }
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined) continue;
      parts.push(`${pyQuote(key)}: ${pyJsonDumps(item)}`);
    }
    return `{${parts.join(', ')}}`;
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}
