/**
 * Compact JSON like pydantic's `model_dump_json()` / Starlette's `JSONResponse`, with one addition
 * over `JSON.stringify`: a `Map` is written as an object in its insertion order. JavaScript objects
 * put integer-like keys ("1", "42") first, Python dicts do not, and completions' legacy
 * `top_logprobs` maps are keyed by token strings that can look like integers.
 */

function containsMap(value: unknown): boolean {
  if (value instanceof Map) return true;
  if (Array.isArray(value)) return value.some(containsMap);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsMap);
  return false;
}

function write(value: unknown): string {
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [key, item] of value as Map<unknown, unknown>) {
      parts.push(`${JSON.stringify(String(key))}:${write(item)}`);
    }
    return `{${parts.join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => write(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const parts: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) parts.push(`${JSON.stringify(key)}:${write(item)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Serialises a response body; falls back to the fast native path when no `Map` is inside. */
export function toWireJson(value: unknown): string {
  return containsMap(value) ? write(value) : JSON.stringify(value);
}
