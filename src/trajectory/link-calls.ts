import { startsWithNode, type ChoiceNode, type PlacedCall } from './call-tree.ts';
import { describeDrift, linkedNodes } from './drift-event.ts';
import type { DriftEvent, SampleCall, SampleChoice } from './sample-types.ts';
import { SequenceIndex } from './sequence-index.ts';
import { extendHash, prefixHashes } from './token-hash.ts';

/**
 * Places each completed call of a rollout in the call tree (see `build-samples.ts` for the rules):
 * under the longest earlier sequence its prompt starts with, or as a new root. One pass in seq
 * order; each prompt is hashed once and compared token by token only against hash hits.
 */

export type LinkResult = {
  /** Completed calls with prompt ids and choices, in seq order. */
  placed: PlacedCall[];
  skippedCalls: number;
  driftEvents: DriftEvent[];
  invalidChoices: number;
};

/**
 * Links the calls of one rollout into a tree of token sequences.
 *
 * @example
 * const { placed } = linkCalls(calls);
 * placed.filter((p) => p.parent === null).length; // forks
 */
export function linkCalls(calls: readonly SampleCall[]): LinkResult {
  // Stable sort: the proxy hands calls in seq order, but a reader of several stores may not.
  const ordered = [...calls].sort((a, b) => a.seq - b.seq);
  const index = new SequenceIndex();
  const byCallId = new Map<number, PlacedCall>();
  const result: LinkResult = { placed: [], skippedCalls: 0, driftEvents: [], invalidChoices: 0 };

  for (const call of ordered) {
    if (!isPlaceable(call)) {
      result.skippedCalls++;
      continue;
    }
    const prompt = call.promptIds;
    const hashes = prefixHashes(prompt);
    const placed: PlacedCall = {
      call,
      promptHash: hashes[prompt.length] as number,
      parent: null,
      nodes: [],
      drift: null,
      hasSyntheticEos: false,
      isDropped: false,
    };

    const linked = linkedNodes(call, byCallId);
    const [firstLinked, ...otherLinked] = linked;
    if (firstLinked !== undefined && !linked.some((node) => hashes[node.length] === node.hash && startsWithNode(prompt, node))) {
      placed.drift = describeDrift(call, [firstLinked, ...otherLinked]);
      result.driftEvents.push(placed.drift);
    } else {
      placed.parent = index.longestPrefix(
        prompt,
        hashes,
        // A sequence equal to this whole prompt with nothing generated is an earlier call with the
        // same prompt: a retry, which de-duplication handles, not a continuation.
        (node) => node.length < prompt.length || node.choice.completionIds.length > 0,
        (node) => linked.includes(node),
      );
    }

    if (placed.parent !== null) {
      placed.parent.extendedBy.push(placed);
      placed.hasSyntheticEos = followsTruncationWithEos(call, placed.parent);
    }

    result.invalidChoices += addChoiceNodes(placed, index);
    byCallId.set(call.callId, placed);
    result.placed.push(placed);
  }
  return result;
}

/** One node per choice, indexed for later calls; returns how many trainable choices are invalid. */
function addChoiceNodes(placed: PlacedCall, index: SequenceIndex): number {
  const { call, promptHash } = placed;
  let invalid = 0;
  for (const choice of call.choices) {
    const hasValidLogprobs = logprobsMatch(choice);
    if (call.trainable && !hasValidLogprobs) invalid++;
    const node: ChoiceNode = {
      placed,
      choice,
      length: call.promptIds.length + choice.completionIds.length,
      hash: extendHash(promptHash, choice.completionIds),
      isTrainable: call.trainable && hasValidLogprobs,
      extendedBy: [],
    };
    placed.nodes.push(node);
    index.add(node);
  }
  return invalid;
}

/**
 * Failed and aborted calls never reached the client as a usable answer, so nothing was built on
 * them and nothing of theirs is trained: they are skipped. So is a completed call without prompt
 * ids (a text-only engine) or without choices: it cannot be placed token-exactly.
 */
function isPlaceable(call: SampleCall): boolean {
  return call.status === 'completed' && call.promptIds.length > 0 && call.choices.length > 0;
}

/** One finite engine logprob per completion id, or the choice cannot be trained. */
function logprobsMatch(choice: SampleChoice): boolean {
  if (choice.logprobs.length !== choice.completionIds.length) return false;
  return choice.logprobs.every((value) => Number.isFinite(value));
}

/**
 * A completion cut by `max_tokens` has no EOS; the chat template closes the turn with one when the
 * next prompt is rendered. That EOS was not sampled: it stays inserted context (mask 0, SkyRL#2148).
 */
function followsTruncationWithEos(call: SampleCall, parent: ChoiceNode): boolean {
  const eos = call.eosTokenId ?? parent.placed.call.eosTokenId ?? null;
  if (eos === null || parent.choice.finishReason !== 'length') return false;
  if (parent.choice.completionIds.at(-1) === eos) return false;
  return call.promptIds[parent.length] === eos;
}
