/**
 * Turns values decoded from Arrow or parquet into plain JSON values, so a task's metadata can be
 * stored, logged and sent to a workflow as JSON.
 *
 * - `bigint` (INT64 columns) → a number when it is a safe integer, else its decimal string: an id
 *   such as 2^63 - 1 must not silently round.
 * - `Date` → its ISO string; a non-finite number → `null` (JSON has neither).
 * - bytes (`Uint8Array`, binary columns) → a base64 string; other typed arrays → number arrays.
 * - Arrow vectors, struct rows and map rows → arrays and objects, recursively; a JS `Map` → object.
 */
import { MapRow, StructRow, Vector } from 'apache-arrow';

export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson };

export function bigintToPlain(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

function fromEntries(entries: Iterable<[unknown, unknown]>): { [key: string]: PlainJson } {
  const result: { [key: string]: PlainJson } = {};
  for (const [key, item] of entries) result[String(key)] = toPlainJson(item);
  return result;
}

function fromTypedArray(view: ArrayBufferView): PlainJson {
  if (view instanceof Uint8Array) return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
  if (view instanceof BigInt64Array || view instanceof BigUint64Array) return Array.from(view, bigintToPlain);
  if (view instanceof DataView) return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
  return Array.from(view as unknown as ArrayLike<number>, (item) => toPlainJson(item));
}

export function toPlainJson(value: unknown): PlainJson {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return bigintToPlain(value);
    case 'object':
      break;
    default:
      // Functions and symbols have no JSON form; they never come out of a decoder.
      return null;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value)) return fromTypedArray(value);
  if (Array.isArray(value)) return value.map((item) => toPlainJson(item));
  if (value instanceof Vector) return Array.from(value as Iterable<unknown>, (item) => toPlainJson(item));
  if (value instanceof StructRow || value instanceof MapRow) {
    return fromEntries(Object.entries((value as { toJSON(): Record<string, unknown> }).toJSON()));
  }
  if (value instanceof Map) return fromEntries(value.entries());
  return fromEntries(Object.entries(value));
}

/** A row of decoded column values as plain JSON. */
export function rowToPlainJson(row: Record<string, unknown>): Record<string, PlainJson> {
  const result: Record<string, PlainJson> = {};
  for (const [key, item] of Object.entries(row)) result[key] = toPlainJson(item);
  return result;
}
