import { pathTo, type ChoiceNode } from './call-tree.ts';
import { judgeCaps } from './sample-caps.ts';
import type { Sample, SampleOptions } from './sample-types.ts';

/**
 * Turns root-to-leaf paths of the call tree into samples: tokens, loss mask and logprobs, then
 * the caps. Samples are produced in tree order (first root first, earlier choices and calls
 * first), which is also the order `maxSamples` keeps them in.
 */

export type AssembleResult = { samples: Sample[]; truncations: number; droppedByCaps: number };

type Row = { tokens: number[]; lossMask: number[]; logprobs: number[] };

/**
 * Builds the samples ending at `leaves`.
 *
 * Under `train-once`, a generated turn shared by several paths (the prefix before a branch) keeps
 * mask 1 only in the first kept sample that holds it (any of it, after caps); later samples keep
 * it as context (mask 0). Each generated token then enters the loss once, as slime trains each
 * response once across siblings. `train-each` gives it mask 1 in every sample.
 *
 * @example
 * const { samples } = assembleSamples(leavesInTreeOrder(roots), { maxSamples: 4 });
 */
export function assembleSamples(leaves: readonly ChoiceNode[], options: SampleOptions): AssembleResult {
  const trainOnce = (options.sharedPrefix ?? 'train-once') === 'train-once';
  const claimed = new Set<ChoiceNode>();
  const paths = leaves.map(pathTo);
  const ids = sampleIds(paths);
  const result: AssembleResult = { samples: [], truncations: 0, droppedByCaps: 0 };

  paths.forEach((path, i) => {
    if (options.maxSamples !== undefined && result.samples.length >= options.maxSamples) {
      result.droppedByCaps++;
      return;
    }
    const row = fillRow(path, (node) => trainOnce && claimed.has(node));
    const verdict = judgeCaps(row.lossMask, options);
    if (verdict.kind === 'drop') {
      result.droppedByCaps++;
      return;
    }
    const truncated = verdict.cut < row.tokens.length;
    if (truncated) {
      row.tokens.length = verdict.cut;
      row.lossMask.length = verdict.cut;
      row.logprobs.length = verdict.cut;
      result.truncations++;
    }
    // A turn counts as trained once any of it survived the cut: claiming only whole turns would
    // make the next branch repeat the same truncated prefix (same positions, same cut) as a copy.
    if (trainOnce) for (const node of path) if (node.isTrainable && node.placed.call.promptIds.length < verdict.cut) claimed.add(node);
    result.samples.push(toSample(ids[i] as string, path, row, truncated));
  });
  return result;
}

/** Concatenates a path: each call's new prompt tokens (context, mask 0), then its completion. */
function fillRow(path: readonly ChoiceNode[], isClaimed: (node: ChoiceNode) => boolean): Row {
  const total = (path.at(-1) as ChoiceNode).length;
  const row: Row = { tokens: new Array<number>(total).fill(0), lossMask: new Array<number>(total).fill(0), logprobs: new Array<number>(total).fill(0) };
  let at = 0;
  for (const node of path) {
    // A node's prompt starts with everything placed before it (that is what linking checked),
    // so only the tail from `at` is new: tool results, user turns, template glue, synthetic EOS.
    const prompt = node.placed.call.promptIds;
    for (; at < prompt.length; at++) row.tokens[at] = prompt[at] as number;
    const isTrained = node.isTrainable && !isClaimed(node);
    const { completionIds, logprobs } = node.choice;
    for (let i = 0; i < completionIds.length; i++, at++) {
      row.tokens[at] = completionIds[i] as number;
      if (!isTrained) continue;
      row.lossMask[at] = 1;
      row.logprobs[at] = logprobs[i] as number;
    }
  }
  return row;
}

function toSample(sampleId: string, path: readonly ChoiceNode[], row: Row, truncated: boolean): Sample {
  const calls = path.map((node) => node.placed.call);
  const policyVersions: number[] = [];
  for (const call of calls) if (!policyVersions.includes(call.policyVersion)) policyVersions.push(call.policyVersion);
  return {
    sampleId,
    tokens: row.tokens,
    lossMask: row.lossMask,
    logprobs: row.logprobs,
    promptLength: Math.min((path[0] as ChoiceNode).placed.call.promptIds.length, row.tokens.length),
    callIds: calls.map((call) => call.callId),
    choices: path.map((node) => node.choice.index),
    policyVersions,
    merges: path.length - 1,
    truncated,
    driftEvents: path.filter((node) => node.placed.drift !== null).length,
  };
}

/**
 * `${rootCallId}` when a root call has a single sample (the common, unbranched rollout), else
 * `${leafCallId}.${leafChoice}`, which names the path uniquely. Ids do not depend on the caps.
 */
function sampleIds(paths: readonly (readonly ChoiceNode[])[]): string[] {
  const perRoot = new Map<number, number>();
  for (const path of paths) {
    const rootId = (path[0] as ChoiceNode).placed.call.callId;
    perRoot.set(rootId, (perRoot.get(rootId) ?? 0) + 1);
  }
  return paths.map((path) => {
    const root = path[0] as ChoiceNode;
    const leaf = path.at(-1) as ChoiceNode;
    if (perRoot.get(root.placed.call.callId) === 1) return String(root.placed.call.callId);
    return `${leaf.placed.call.callId}.${leaf.choice.index}`;
  });
}
