/**
 * Exact-text helpers for JSON the model wrote. Tool arguments are passed on as the model's own
 * value text, only with insignificant whitespace removed, instead of `JSON.stringify(JSON.parse())`:
 * a round-trip through JS numbers would corrupt integers above 2^53 (ids!) and turn `1.0` into `1`,
 * which neither the model nor vLLM (Python `json`) does. All functions expect text that
 * `JSON.parse` has already accepted; on anything else their result is unspecified.
 */

function isJsonWhitespace(char: string | undefined): boolean {
  return char === ' ' || char === '\n' || char === '\r' || char === '\t';
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isJsonWhitespace(text[i])) i++;
  return i;
}

/** Index just past the string literal that starts at `from` (a `"`). */
function skipString(text: string, from: number): number {
  let i = from + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Index just past the JSON value that starts at `from`. */
function skipValue(text: string, from: number): number {
  const first = text[from];
  if (first === '"') return skipString(text, from);
  if (first === '{' || first === '[') {
    let depth = 0;
    let i = from;
    while (i < text.length) {
      const char = text[i];
      if (char === '"') {
        i = skipString(text, i);
        continue;
      }
      if (char === '{' || char === '[') depth++;
      else if (char === '}' || char === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  let i = from;
  while (i < text.length && !isJsonWhitespace(text[i]) && !',}]'.includes(text[i] ?? ',')) i++;
  return i;
}

/**
 * The exact text of a top-level member's value in a JSON object text, or null when the key is
 * absent. With duplicate keys the last one wins, as in `JSON.parse`.
 *
 * @example findMemberValueText('{"name": "f", "arguments": {"a": 1}}', 'arguments') // → '{"a": 1}'
 */
export function findMemberValueText(objectText: string, key: string): string | null {
  let found: string | null = null;
  let i = skipWhitespace(objectText, 0);
  if (objectText[i] !== '{') return null;
  i = skipWhitespace(objectText, i + 1);
  while (i < objectText.length && objectText[i] === '"') {
    const keyEnd = skipString(objectText, i);
    const memberKey: unknown = JSON.parse(objectText.slice(i, keyEnd));
    const valueStart = skipWhitespace(objectText, skipWhitespace(objectText, keyEnd) + 1);
    const valueEnd = skipValue(objectText, valueStart);
    if (memberKey === key) found = objectText.slice(valueStart, valueEnd);
    i = skipWhitespace(objectText, valueEnd);
    if (objectText[i] === ',') i = skipWhitespace(objectText, i + 1);
  }
  return found;
}

/**
 * JSON text without insignificant whitespace; strings, numbers and key order stay exactly as
 * written.
 *
 * @example minifyJson('{ "a": [1.0, 2],\n "b": "x y" }') // → '{"a":[1.0,2],"b":"x y"}'
 */
export function minifyJson(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (!isJsonWhitespace(char)) out += char;
    i++;
  }
  return out;
}

/** True for a plain JSON object value (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `JSON.parse` as a result: model output is untrusted, so a parse failure is data (it becomes the
 * reason of a malformed tool call), not an exception.
 *
 * @example parseJsonText('[1') // → { ok: false, error: "Expected ',' or ']' after array element …" }
 */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
