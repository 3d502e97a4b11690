import { leavesInTreeOrder } from './call-tree.ts';
import { assembleSamples } from './assemble-samples.ts';
import { dedupeRetries } from './dedupe-retries.ts';
import { linkCalls } from './link-calls.ts';
import { validateSampleOptions } from './sample-caps.ts';
import type { RolloutSamples, SampleCall, SampleOptions } from './sample-types.ts';

/**
 * Samples from a finished rollout's calls. The merge policy:
 *
 * 1. Only completed calls with prompt ids and at least one choice take part. Failed and aborted
 *    calls are dropped entirely (their answer never reached the agent, nothing was built on it,
 *    and they contribute no token of any sample); they and id-less calls count as `skippedCalls`.
 * 2. Each choice of a call is a sequence: prompt ids + that choice's completion ids. A call EXTENDS
 *    the longest earlier sequence its prompt ids start with (ties: the choice the proxy linked,
 *    else the latest). The prompt tokens after that sequence's end are inserted context (tool
 *    results, user turns, template glue): mask 0, logprob 0. Its completion ids are policy tokens:
 *    mask 1 with their engine logprobs when the call is trainable. Merging is token-exact only;
 *    nothing is re-tokenized or repaired.
 * 3. A call that extends nothing starts a new tree (a FORK): a first call, a sub-agent, a rewritten
 *    history. When the proxy linked it at message level (`extendsCallId`) yet its prompt does not
 *    start with that call's prompt + completion, that is DRIFT: a `DriftEvent` records where the
 *    tokens part, and the call forks even if it starts with an older sequence, so a sample never
 *    holds the re-rendered tokens in place of what the policy generated.
 * 4. Every root-to-leaf path is one sample. With n > 1 each choice is its own branch; a later call
 *    extends whichever choice's tokens it starts with; choices no one extends are their own samples.
 *    A turn shared by several samples is trained once (`sharedPrefix: 'train-once'`, default) or
 *    in each (`'train-each'`).
 * 5. Mask 1 only on completion ids of a trainable call whose logprobs are one finite value per id.
 *    An untrainable call (`trainable: false`) is still context for later calls; its completion ids
 *    get mask 0. An EOS the template appends after a length-truncated completion is inserted
 *    context like any other (mask 0) and counted as `syntheticEos`.
 * 6. Retries: calls with identical prompt ids keep the ones a later call extends, else the last;
 *    the others count as `deduplicated` (see `dedupe-retries.ts`).
 * 7. Caps, in order per sample: `maxSamples` keeps the first samples in tree order (the first
 *    call's lineage first, so the main trajectory wins over late side branches; no length bias);
 *    `maxPromptTokens` drops; `maxResponseTokens` and `maxTotalTokens` cut from the end and flag
 *    `truncated` (see `sample-caps.ts`). Every drop counts in `droppedByCaps`.
 *
 * Samples of one rollout share its reward; how several samples of one rollout are weighted is the
 * advantage stage's choice (`trainer/advantages`, `episode` vs `sample`).
 */

/**
 * Builds the training samples of one rollout. Pure: no I/O, the input is not modified.
 *
 * @example
 * const { samples, stats } = buildSamples(calls, { maxTotalTokens: 32768 });
 * // a 6-turn tool loop in token mode → samples.length === 1, stats.merges === 5
 */
export function buildSamples(calls: readonly SampleCall[], options: SampleOptions = {}): RolloutSamples {
  validateSampleOptions(options);
  const linked = linkCalls(calls);
  const deduplicated = dedupeRetries(linked.placed);
  const kept = linked.placed.filter((p) => !p.isDropped);
  const roots = kept.filter((p) => p.parent === null);
  const assembled = assembleSamples(leavesInTreeOrder(roots), options);
  return {
    samples: assembled.samples,
    stats: {
      calls: calls.length,
      merges: kept.length - roots.length,
      forks: roots.length,
      driftEvents: linked.driftEvents,
      truncations: assembled.truncations,
      deduplicated,
      skippedCalls: linked.skippedCalls,
      droppedByCaps: assembled.droppedByCaps,
      syntheticEos: kept.filter((p) => p.hasSyntheticEos).length,
      invalidChoices: linked.invalidChoices,
    },
  };
}
