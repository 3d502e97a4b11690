import { z } from 'zod';
import { ROLLOUT_FLAGS, ROLLOUT_SORTS, type RolloutRow, type RolloutSort, type StepPage } from '../api/view-wire.ts';
import { groupSummaries } from './step-rows.ts';

/** The Step page's filter, sort and page, from its query string. */
export const StepQuerySchema = z.strictObject({
  status: z.string().optional(),
  split: z.string().optional(),
  task: z.string().optional().describe('a substring of the task id'),
  flag: z.enum(ROLLOUT_FLAGS).optional(),
  q: z.string().optional().describe("text in the rollout's id, task, failure or calls"),
  minReward: z.coerce.number().optional(),
  maxReward: z.coerce.number().optional(),
  sort: z.enum(ROLLOUT_SORTS).default('group'),
  order: z.enum(['asc', 'desc']).default('asc'),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type StepQuery = z.infer<typeof StepQuerySchema>;

type Key = (row: RolloutRow) => string | number | null;

const SORT_KEYS: Record<RolloutSort, Key[]> = {
  group: [(r) => r.groupId, (r) => r.attempt],
  reward: [(r) => r.reward, (r) => r.groupId, (r) => r.attempt],
  advantage: [(r) => r.advantage, (r) => r.groupId, (r) => r.attempt],
  status: [(r) => r.status, (r) => r.groupId, (r) => r.attempt],
  task: [(r) => r.taskId, (r) => r.attempt],
  calls: [(r) => r.calls, (r) => r.groupId],
  tokens: [(r) => r.completionTokens, (r) => r.groupId],
  latency: [(r) => r.latencyMs, (r) => r.groupId],
};

/** Missing values sort last in either order. */
function compareBy(keys: Key[], descending: boolean): (a: RolloutRow, b: RolloutRow) => number {
  return (a, b) => {
    for (const [i, key] of keys.entries()) {
      const x = key(a);
      const y = key(b);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const order = x < y ? -1 : 1;
      return descending && i === 0 ? -order : order;
    }
    return 0;
  };
}

function matches(row: RolloutRow, query: StepQuery, textHits: ReadonlySet<string> | null): boolean {
  if (query.status !== undefined && query.status !== '' && row.status !== query.status) return false;
  if (query.split !== undefined && query.split !== '' && row.split !== query.split) return false;
  if (query.task !== undefined && query.task !== '' && !(row.taskId ?? '').toLowerCase().includes(query.task.toLowerCase())) return false;
  if (query.flag !== undefined && !row.flags.includes(query.flag)) return false;
  if (query.minReward !== undefined && (row.reward === null || row.reward < query.minReward)) return false;
  if (query.maxReward !== undefined && (row.reward === null || row.reward > query.maxReward)) return false;
  if (textHits !== null) {
    const needle = (query.q ?? '').toLowerCase();
    const own = [row.id, row.taskId ?? '', row.failure ?? ''].some((field) => field.toLowerCase().includes(needle));
    if (!own && !textHits.has(row.id)) return false;
  }
  return true;
}

/**
 * Filters, sorts and pages a step's rows. `textHits` are the rollouts whose calls hold the search
 * text (from the store); null when there is no search. Groups and counts cover the whole step.
 */
export function queryStep(step: number | null, rows: readonly RolloutRow[], query: StepQuery, textHits: ReadonlySet<string> | null): StepPage {
  const matched = rows.filter((row) => matches(row, query, textHits)).sort(compareBy(SORT_KEYS[query.sort], query.order === 'desc'));
  const flagCounts: StepPage['flagCounts'] = {};
  const statusCounts: Record<string, number> = {};
  for (const row of rows) {
    statusCounts[row.status] = (statusCounts[row.status] ?? 0) + 1;
    for (const flag of row.flags) flagCounts[flag] = (flagCounts[flag] ?? 0) + 1;
  }
  return {
    step,
    total: rows.length,
    matched: matched.length,
    offset: query.offset,
    limit: query.limit,
    rows: matched.slice(query.offset, query.offset + query.limit),
    groups: groupSummaries(rows),
    flagCounts,
    statusCounts,
  };
}
