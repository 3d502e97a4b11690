/**
 * Sequential 32-bit hashes of token lists. Because the hash is built token by token, the state
 * after k tokens is the hash of the first k tokens, so one pass over a 30k-token prompt gives the
 * hash of every prefix and "does this prompt start with that sequence?" becomes one array read.
 * Hashes only nominate candidates: every match is confirmed by comparing the tokens themselves.
 */

const SEED = 0x9747b28c;

/** Folds one token id into a hash state (murmur2-style multiply and shift). */
export function mixToken(state: number, id: number): number {
  let h = Math.imul(state ^ id, 0x5bd1e995);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Continues `state` over `ids`. */
export function extendHash(state: number, ids: readonly number[]): number {
  let h = state;
  for (const id of ids) h = mixToken(h, id);
  return h;
}

/**
 * Hash of every prefix: `result[k]` is the hash of `ids.slice(0, k)`, `result[0]` the seed.
 *
 * @example
 * const hashes = prefixHashes([5, 6, 7]);
 * hashes[2] === extendHash(prefixHashes([])[0], [5, 6]); // true
 */
export function prefixHashes(ids: readonly number[]): Uint32Array {
  const hashes = new Uint32Array(ids.length + 1);
  let h = SEED;
  hashes[0] = h;
  for (let i = 0; i < ids.length; i++) {
    h = mixToken(h, ids[i] as number);
    hashes[i + 1] = h;
  }
  return hashes;
}

/** Whether `ids[offset..offset + part.length)` equals `part`. */
export function matchesAt(ids: readonly number[], offset: number, part: readonly number[]): boolean {
  if (offset + part.length > ids.length) return false;
  for (let i = 0; i < part.length; i++) {
    if (ids[offset + i] !== part[i]) return false;
  }
  return true;
}

/**
 * First index where `ids` and the concatenation `head + tail` differ, or the shorter length when
 * one is a prefix of the other.
 *
 * @example
 * firstDifference([1, 2, 9, 4], [1, 2], [3, 4]); // 2
 */
export function firstDifference(ids: readonly number[], head: readonly number[], tail: readonly number[]): number {
  const expectedLength = head.length + tail.length;
  const limit = Math.min(ids.length, expectedLength);
  for (let i = 0; i < limit; i++) {
    const expected = i < head.length ? head[i] : tail[i - head.length];
    if (ids[i] !== expected) return i;
  }
  return limit;
}
