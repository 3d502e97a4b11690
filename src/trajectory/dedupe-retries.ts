import type { PlacedCall } from './call-tree.ts';
import { matchesAt } from './token-hash.ts';

/**
 * Retried calls: the agent (or its HTTP client) sent the same prompt ids again, usually after a
 * timeout or a parse failure. Training on every attempt would count that turn several times.
 *
 * Policy (AGL keeps the last event per identical prompt ids): among calls with identical prompt
 * ids, keep every one that a later call extends (its answer is what the agent built on; two
 * extended ones are real branches, not retries); if none is extended, keep the last attempt.
 * The others are marked dropped. Only kept extenders count: an extender's prompt is strictly
 * longer than what it extends, so deciding groups from the longest prompts down settles every
 * extender before the calls it extends.
 */

/**
 * Marks retried calls as dropped and returns how many were dropped.
 *
 * @example
 * // calls 1 and 2 have the same prompt; call 3 continues call 1 → call 2 is dropped
 * dedupeRetries(placed); // 1
 */
export function dedupeRetries(placed: readonly PlacedCall[]): number {
  let dropped = 0;
  const groups = identicalPromptGroups(placed).sort((a, b) => promptLength(b) - promptLength(a));
  for (const group of groups) {
    if (group.length < 2) continue;
    const extended = group.filter((p) => p.nodes.some((node) => node.extendedBy.some((child) => !child.isDropped)));
    const keep = new Set<PlacedCall>(extended.length > 0 ? extended : [group.at(-1) as PlacedCall]);
    for (const member of group) {
      if (keep.has(member)) continue;
      member.isDropped = true;
      dropped++;
    }
  }
  return dropped;
}

function promptLength(group: readonly PlacedCall[]): number {
  return (group[0] as PlacedCall).call.promptIds.length;
}

/** Calls grouped by exactly equal prompt ids, each group in seq order. */
function identicalPromptGroups(placed: readonly PlacedCall[]): PlacedCall[][] {
  const byHash = new Map<string, PlacedCall[][]>();
  const groups: PlacedCall[][] = [];
  for (const p of placed) {
    const key = `${p.call.promptIds.length}:${p.promptHash}`;
    const candidates = byHash.get(key) ?? [];
    // Equal hashes nominate; equal tokens decide (a collision just opens another group).
    const group = candidates.find((g) => matchesAt(p.call.promptIds, 0, (g[0] as PlacedCall).call.promptIds));
    if (group !== undefined) {
      group.push(p);
      continue;
    }
    const fresh = [p];
    candidates.push(fresh);
    byHash.set(key, candidates);
    groups.push(fresh);
  }
  return groups;
}
