/**
 * Small deterministic hashing and a seeded generator for the fake engine. Everything the engine
 * "samples" is a pure function of (seed, prompt ids, choice index, position), so the same request
 * with the same seed gives the same ids and logprobs on every endpoint, streamed or not.
 */

/** murmur3's 32-bit finaliser applied to a combination of two words. */
export function mix32(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds any number of 32-bit words into one hash. */
export function hashWords(...words: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const word of words) h = mix32(h, word >>> 0);
  return h;
}

/** FNV-1a over token ids: a stable fingerprint of a prompt. */
export function hashIds(ids: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const id of ids) {
    h ^= id & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= id >>> 16;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Reduces a request `seed` (any int64 JSON number) to 32 bits, keeping high and low halves. */
export function seedWord(seed: number): number {
  const whole = Math.trunc(seed);
  const high = Math.floor(whole / 0x1_0000_0000);
  return mix32(whole >>> 0, high >>> 0);
}

/** A uniform float in [0, 1) derived from a hash. */
export function unitFloat(hash: number): number {
  return (hash >>> 0) / 0x1_0000_0000;
}

/** mulberry32: tiny, fast, good enough for choosing fake words. */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  nextU32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, bound). */
  nextInt(bound: number): number {
    return this.nextU32() % bound;
  }
}
