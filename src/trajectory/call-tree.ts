import type { DriftEvent, SampleCall, SampleChoice } from './sample-types.ts';
import { matchesAt } from './token-hash.ts';

/**
 * The rollout as a tree of token sequences. Each choice of a kept call is a node whose tokens are
 * the call's prompt ids followed by that choice's completion ids; a call whose prompt starts with
 * a node's tokens hangs under that node. Every root-to-leaf path is one sample.
 */

/** A completed call that took part in linking. */
export type PlacedCall = {
  call: SampleCall;
  /** Hash of the whole prompt, for finding retries. */
  promptHash: number;
  /** The node this call extends; shared by all its choices. `null` for a fork. */
  parent: ChoiceNode | null;
  nodes: ChoiceNode[];
  drift: DriftEvent | null;
  /** Whether the template put an EOS right after the parent's length-truncated completion. */
  hasSyntheticEos: boolean;
  /** Set by retry de-duplication: the call is left out of every sample. */
  isDropped: boolean;
};

/** One choice of a placed call: a sequence later calls may extend. */
export type ChoiceNode = {
  placed: PlacedCall;
  choice: SampleChoice;
  /** Prompt length + completion length. */
  length: number;
  /** Hash of prompt + completion ids (see `token-hash.ts`). */
  hash: number;
  /** Whether its completion tokens may carry mask 1. */
  isTrainable: boolean;
  /** Calls whose prompt extends this node, in seq order (each of their choices is a child node). */
  extendedBy: PlacedCall[];
};

/** Whether `prompt` begins with the node's prompt + completion ids. */
export function startsWithNode(prompt: readonly number[], node: ChoiceNode): boolean {
  const head = node.placed.call.promptIds;
  return prompt.length >= node.length && matchesAt(prompt, 0, head) && matchesAt(prompt, head.length, node.choice.completionIds);
}

/** The node's full token list (prompt + completion), materialised. */
export function nodeTokens(node: ChoiceNode): number[] {
  return [...node.placed.call.promptIds, ...node.choice.completionIds];
}

/** Nodes that no kept call extends, each ending a sample, in depth-first order from `roots`. */
export function leavesInTreeOrder(roots: readonly PlacedCall[]): ChoiceNode[] {
  const leaves: ChoiceNode[] = [];
  // An explicit stack: a rollout may chain hundreds of calls.
  const stack: ChoiceNode[] = [];
  for (const root of roots) {
    for (let i = root.nodes.length - 1; i >= 0; i--) stack.push(root.nodes[i] as ChoiceNode);
    while (stack.length > 0) {
      const node = stack.pop() as ChoiceNode;
      const children = keptChildren(node);
      if (children.length === 0) {
        leaves.push(node);
        continue;
      }
      for (let c = children.length - 1; c >= 0; c--) {
        const child = children[c] as PlacedCall;
        for (let i = child.nodes.length - 1; i >= 0; i--) stack.push(child.nodes[i] as ChoiceNode);
      }
    }
  }
  return leaves;
}

function keptChildren(node: ChoiceNode): PlacedCall[] {
  return node.extendedBy.filter((child) => !child.isDropped);
}

/** Root-first list of the nodes from a tree root down to `leaf`. */
export function pathTo(leaf: ChoiceNode): ChoiceNode[] {
  const path: ChoiceNode[] = [];
  for (let node: ChoiceNode | null = leaf; node !== null; node = node.placed.parent) path.push(node);
  return path.reverse();
}
