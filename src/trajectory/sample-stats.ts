import type { RolloutSamples } from './sample-types.ts';

/**
 * Flat metrics of the samples of one or more rollouts, for the run log: merged vs forked calls,
 * drift and truncation counts and token totals (merged/split/mismatch counts catch mask and drift
 * regressions first). Keys are prefixed `samples/`.
 */

/**
 * Sums the stats of several rollouts into one metrics record.
 *
 * @example
 * sampleMetrics([buildSamples(callsA), buildSamples(callsB)])['samples/drift_events']; // 0
 */
export function sampleMetrics(rollouts: readonly RolloutSamples[]): Record<string, number> {
  let samples = 0;
  let tokens = 0;
  let trainableTokens = 0;
  let maxTokens = 0;
  let calls = 0;
  let merges = 0;
  let forks = 0;
  let driftEvents = 0;
  let truncations = 0;
  let deduplicated = 0;
  let skippedCalls = 0;
  let droppedByCaps = 0;
  let syntheticEos = 0;
  let invalidChoices = 0;
  let untrainableSamples = 0;
  for (const { samples: rows, stats } of rollouts) {
    samples += rows.length;
    for (const row of rows) {
      const trainable = countTrainable(row.lossMask);
      if (trainable === 0) untrainableSamples++;
      trainableTokens += trainable;
      tokens += row.tokens.length;
      maxTokens = Math.max(maxTokens, row.tokens.length);
    }
    calls += stats.calls;
    merges += stats.merges;
    forks += stats.forks;
    driftEvents += stats.driftEvents.length;
    truncations += stats.truncations;
    deduplicated += stats.deduplicated;
    skippedCalls += stats.skippedCalls;
    droppedByCaps += stats.droppedByCaps;
    syntheticEos += stats.syntheticEos;
    invalidChoices += stats.invalidChoices;
  }
  const placed = merges + forks;
  return {
    'samples/rollouts': rollouts.length,
    'samples/count': samples,
    'samples/per_rollout': rollouts.length > 0 ? samples / rollouts.length : 0,
    'samples/untrainable': untrainableSamples,
    'samples/tokens': tokens,
    'samples/trainable_tokens': trainableTokens,
    'samples/trainable_ratio': tokens > 0 ? trainableTokens / tokens : 0,
    'samples/max_tokens': maxTokens,
    'samples/calls': calls,
    'samples/merges': merges,
    'samples/forks': forks,
    'samples/merge_ratio': placed > 0 ? merges / placed : 0,
    'samples/drift_events': driftEvents,
    'samples/truncations': truncations,
    'samples/deduplicated': deduplicated,
    'samples/skipped_calls': skippedCalls,
    'samples/dropped_by_caps': droppedByCaps,
    'samples/synthetic_eos': syntheticEos,
    'samples/invalid_choices': invalidChoices,
  };
}

/** Tokens with loss mask 1. */
export function countTrainable(lossMask: readonly number[]): number {
  let count = 0;
  for (const value of lossMask) if (value === 1) count++;
  return count;
}
