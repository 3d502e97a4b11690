import { startsWithNode, type ChoiceNode } from './call-tree.ts';

/**
 * Index of the sequences placed so far, keyed by (length, hash of all their tokens). Finding the
 * longest sequence a new prompt starts with reads the prompt's prefix hash at each distinct
 * sequence length up to the prompt's length and compares tokens only for hash hits, so a rollout
 * of hundreds of 30k-token calls costs O(total tokens + calls²) rather than O(calls² · tokens).
 */
export class SequenceIndex {
  readonly #byKey = new Map<string, ChoiceNode[]>();
  /** Distinct node lengths, ascending. */
  readonly #lengths: number[] = [];

  add(node: ChoiceNode): void {
    const key = indexKey(node.length, node.hash);
    const bucket = this.#byKey.get(key);
    if (bucket === undefined) this.#byKey.set(key, [node]);
    else bucket.push(node);
    const at = lowerBound(this.#lengths, node.length);
    if (this.#lengths[at] !== node.length) this.#lengths.splice(at, 0, node.length);
  }

  /**
   * The longest indexed sequence that `prompt` starts with, among nodes `accept` allows. Several
   * nodes of that length (identical tokens: retries, n > 1 choices that happen to agree) resolve
   * to the one `prefer` picks, else the latest placed.
   *
   * @example
   * // hashes = prefixHashes(prompt)
   * const parent = index.longestPrefix(prompt, hashes, () => true, (n) => n.placed.call.callId === 6);
   */
  longestPrefix(
    prompt: readonly number[],
    hashes: Uint32Array,
    accept: (node: ChoiceNode) => boolean,
    prefer: (node: ChoiceNode) => boolean,
  ): ChoiceNode | null {
    const start = upperBound(this.#lengths, prompt.length) - 1;
    for (let i = start; i >= 0; i--) {
      const length = this.#lengths[i] as number;
      const bucket = this.#byKey.get(indexKey(length, hashes[length] as number));
      if (bucket === undefined) continue;
      let latest: ChoiceNode | null = null;
      for (let b = bucket.length - 1; b >= 0; b--) {
        const node = bucket[b] as ChoiceNode;
        if (!accept(node) || !startsWithNode(prompt, node)) continue;
        if (prefer(node)) return node;
        latest ??= node;
      }
      if (latest !== null) return latest;
    }
    return null;
  }
}

function indexKey(length: number, hash: number): string {
  return `${length}:${hash}`;
}

/** First index whose value is ≥ `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > `value`. */
function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
