/**
 * Seeded pseudo-random generator shared by the task selectors: xoshiro128** (Blackman & Vigna),
 * seeded through splitmix32.
 *
 * Why not Math.random: task selection must be reproducible from (seed, read position) so that a
 * resumed run serves exactly the tasks the interrupted run would have served. Why xoshiro128**:
 * 32-bit arithmetic only (exact with Math.imul), 128-bit state, good statistical quality, and a
 * published reference output we pin in the tests.
 */

const UINT32_RANGE = 0x1_0000_0000;
const TWO_POW_53 = 9007199254740992;

/** A JSON-serializable generator state: four unsigned 32-bit words. */
export type PrngState = readonly [number, number, number, number];

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(state: PrngState) {
    [this.s0, this.s1, this.s2, this.s3] = state;
  }

  /**
   * Derives a generator from any safe integer. Selectors seed with `seed + position`, so nearby
   * seeds must give unrelated streams: splitmix32 scrambles the seed before it becomes state.
   */
  static fromSeed(seed: number): Prng {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`prng seed must be a safe integer, got ${seed}`);
    }
    const low = seed >>> 0;
    const high = Math.floor(seed / UINT32_RANGE) >>> 0;
    let mixState = (low ^ Math.imul(high, 0x9e3779b1)) >>> 0;
    const nextMix = (): number => {
      mixState = (mixState + 0x9e3779b9) >>> 0;
      let z = mixState;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const state: [number, number, number, number] = [nextMix(), nextMix(), nextMix(), nextMix()];
    // An all-zero state is a fixed point of xoshiro; splitmix practically never yields it.
    if (state.every((word) => word === 0)) state[0] = 1;
    return new Prng(state);
  }

  static fromState(state: readonly number[]): Prng {
    const isValid =
      state.length === 4 &&
      state.every((word) => Number.isInteger(word) && word >= 0 && word < UINT32_RANGE) &&
      state.some((word) => word !== 0);
    if (!isValid) {
      throw new RangeError('prng state must be four uint32 words, not all zero');
    }
    return new Prng([state[0] ?? 0, state[1] ?? 0, state[2] ?? 0, state[3] ?? 0]);
  }

  state(): PrngState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** Next raw output, an unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits (two outputs). */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /** Uniform in the open interval (0, 1): safe to pass to `Math.log`. */
  nextOpenFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low + 0.5) / TWO_POW_53;
  }

  /** Uniform integer in [0, bound), unbiased (rejection of the short top range). */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > UINT32_RANGE) {
      throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${bound}`);
    }
    const limit = UINT32_RANGE - (UINT32_RANGE % bound);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % bound;
    }
  }

  /**
   * Standard normal by Box–Muller. The second variate of the pair is discarded on purpose: caching
   * it would be hidden state outside `state()`.
   */
  nextNormal(): number {
    const radius = Math.sqrt(-2 * Math.log(this.nextOpenFloat()));
    return radius * Math.cos(2 * Math.PI * this.nextFloat());
  }
}

function rotl(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}
