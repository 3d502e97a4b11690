/**
 * Boundary validation of the advantage stage's input. A NaN reward or a mask value of 2 would
 * flow silently into every advantage of its group (or, for REINFORCE++, the whole batch), so the
 * batch is refused with the offending rollout and sample named.
 */
import type { AdvantageRolloutInput } from './advantage-types.ts';

export function assertRollouts(rollouts: readonly AdvantageRolloutInput[]): void {
  const rolloutIds = new Set<string>();
  for (const rollout of rollouts) {
    // A sample id names a sample within its rollout only: proxies of `proxy.urls` number their calls alike.
    const sampleIds = new Set<string>();
    if (rolloutIds.has(rollout.rolloutId)) {
      throw new RangeError(`rollout ${rollout.rolloutId} appears twice in the batch`);
    }
    rolloutIds.add(rollout.rolloutId);
    if (!Number.isFinite(rollout.reward)) {
      throw new RangeError(`rollout ${rollout.rolloutId} has a non-finite reward ${rollout.reward}`);
    }
    for (const sample of rollout.samples) {
      if (sampleIds.has(sample.sampleId)) {
        throw new RangeError(`sample ${sample.sampleId} appears twice in rollout ${rollout.rolloutId}`);
      }
      sampleIds.add(sample.sampleId);
      const badToken = sample.lossMask.findIndex((value) => value !== 0 && value !== 1);
      if (badToken >= 0) {
        throw new RangeError(
          `sample ${sample.sampleId} of rollout ${rollout.rolloutId} has loss mask value ` +
            `${sample.lossMask[badToken]} at token ${badToken}; expected 0 or 1`,
        );
      }
    }
  }
}

/** Number of tokens that enter the loss. */
export function countTrainable(lossMask: readonly number[]): number {
  return lossMask.reduce((sum, value) => sum + value, 0);
}
