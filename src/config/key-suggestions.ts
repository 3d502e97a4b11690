import type { z } from 'zod';

/**
 * "Did you mean": for a key a strict schema does not know, the nearest key it does know at the
 * same place (`rollout.gropuSize` → `rollout.groupSize`). Nearest is the smallest edit distance
 * (Damerau: a swap of two neighbours is one edit), case ignored; a key further than a third of
 * its length away gets no suggestion, since a wild guess misleads more than none.
 */

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  element?: z.ZodType;
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas a value at this schema can be (wrappers unwrapped, every union option). */
function objectsOf(schema: z.ZodType): Def[] {
  const def = defOf(schema);
  if (def.type === 'object') return [def];
  if (def.type === 'union') return (def.options ?? []).flatMap(objectsOf);
  const inner = def.innerType ?? def.in;
  return inner === undefined ? [] : objectsOf(inner);
}

/** What a path segment leads to from this schema: object fields, record values, array items. */
function childrenOf(schema: z.ZodType, segment: string | number): z.ZodType[] {
  const def = defOf(schema);
  if (def.type === 'record' && def.valueType !== undefined) return [def.valueType];
  if (def.type === 'array' && def.element !== undefined) return [def.element];
  if (def.type === 'object') return def.shape?.[String(segment)] === undefined ? [] : [def.shape[String(segment)] as z.ZodType];
  if (def.type === 'union') return (def.options ?? []).flatMap((option) => childrenOf(option, segment));
  const inner = def.innerType ?? def.in;
  return inner === undefined ? [] : childrenOf(inner, segment);
}

/** Every key the schema accepts in the object at `path`. */
export function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let level = [schema];
  for (const segment of path) level = level.flatMap((s) => childrenOf(s, segment));
  const keys = level.flatMap(objectsOf).flatMap((def) => Object.keys(def.shape ?? {}));
  return [...new Set(keys)];
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** The known key nearest to `unknown`, or null when none is near enough. */
export function nearestKey(unknown: string, known: readonly string[]): string | null {
  let best: { key: string; distance: number } | null = null;
  for (const key of known) {
    const distance = editDistance(unknown.toLowerCase(), key.toLowerCase());
    if (best === null || distance < best.distance) best = { key, distance };
  }
  if (best === null || best.distance > Math.max(1, Math.floor(unknown.length / 3))) return null;
  return best.key;
}

/** One line for an unknown key: its full path, and the nearest valid key when there is one. */
export function unknownKeyLine(schema: z.ZodType, path: readonly (string | number)[], key: string): string {
  const prefix = path.length === 0 ? '' : `${path.join('.')}.`;
  const known = knownKeysAt(schema, path);
  const near = nearestKey(key, known);
  if (near !== null) return `${prefix}${key}: unknown key; did you mean ${prefix}${near}?`;
  return `${prefix}${key}: unknown key${known.length > 0 ? ` (known here: ${known.join(', ')})` : ''}`;
}
