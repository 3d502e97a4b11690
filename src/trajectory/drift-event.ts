import type { ChoiceNode, PlacedCall } from './call-tree.ts';
import type { DriftEvent, SampleCall } from './sample-types.ts';
import { firstDifference } from './token-hash.ts';

/**
 * Retokenization drift: the proxy matched a call's messages to an earlier call + its reply, but
 * the prompt ids do not start with that call's prompt + completion ids (a re-rendered template,
 * stripped reasoning, BPE re-splitting of replayed text). The call is never merged then: its
 * prompt holds tokens the policy did not generate in the places where the earlier call's did.
 */

/** Tokens shown before the first difference, so a reader sees where the two sides were aligned. */
const WINDOW_BEFORE = 4;
/** Tokens shown from the first difference on. */
const WINDOW_AFTER = 8;

/**
 * The node(s) of the call the proxy linked to: the linked choice when the proxy named one, else
 * every choice (an n > 1 call may have been continued from any of them). None when the linked
 * call was not placed (failed, aborted, without ids, unknown): there is nothing to drift from,
 * and token matching alone decides.
 */
export function linkedNodes(call: SampleCall, byCallId: ReadonlyMap<number, PlacedCall>): ChoiceNode[] {
  if (call.extendsCallId === null) return [];
  const parent = byCallId.get(call.extendsCallId);
  if (parent === undefined) return [];
  if (call.extendsChoice === undefined) return parent.nodes;
  return parent.nodes.filter((node) => node.choice.index === call.extendsChoice);
}

/**
 * Describes the drift of `call` against the linked nodes, measured on the node the prompt agrees
 * with longest.
 *
 * @example
 * // parent tokens [1, 2, 3, 4, 5], prompt [1, 2, 9, 4, 5, 6] → index 2, expected [1, 2, 3, …], actual [1, 2, 9, …]
 */
export function describeDrift(call: SampleCall, linked: readonly [ChoiceNode, ...ChoiceNode[]]): DriftEvent {
  let node = linked[0];
  let index = -1;
  for (const candidate of linked) {
    const at = firstDifference(call.promptIds, candidate.placed.call.promptIds, candidate.choice.completionIds);
    if (at > index) {
      node = candidate;
      index = at;
    }
  }
  const windowStart = Math.max(0, index - WINDOW_BEFORE);
  const windowEnd = index + WINDOW_AFTER;
  return {
    callId: call.callId,
    seq: call.seq,
    parentCallId: node.placed.call.callId,
    parentChoice: node.choice.index,
    index,
    expectedLength: node.length,
    actualLength: call.promptIds.length,
    windowStart,
    expected: sliceOfNode(node, windowStart, windowEnd),
    actual: call.promptIds.slice(windowStart, windowEnd),
  };
}

/** Tokens `[start, end)` of a node's prompt + completion without materialising all of it. */
function sliceOfNode(node: ChoiceNode, start: number, end: number): number[] {
  const head = node.placed.call.promptIds;
  const tail = node.choice.completionIds;
  const out: number[] = [];
  for (let i = start; i < Math.min(end, node.length); i++) {
    out.push((i < head.length ? head[i] : tail[i - head.length]) as number);
  }
  return out;
}
