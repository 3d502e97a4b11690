import type { StepCell } from '../../src/store/rollout-browse.ts';
import type { Counts, RunDetail, RunSummary, StepPage, StepSummary } from '../api/view-wire.ts';
import type { RunSource } from '../sources/run-source.ts';
import { queryStep, type StepQuery } from './step-query.ts';
import { stepRows } from './step-rows.ts';

/** The Runs and Run pages' data, and the Step page's rows, read from a run source. */

const HEADLINE = ['reward/mean', 'success_rate', 'val/pass@1'] as const;

export function runSummary(run: RunSource): RunSummary {
  run.metrics?.refresh();
  const rows = run.metrics?.rows() ?? [];
  const last = rows.at(-1);
  const db = run.database();
  return {
    id: run.id,
    dir: run.dir,
    hasDatabase: db !== null,
    steps: rows.length,
    lastStep: last?.step ?? null,
    last: Object.fromEntries(HEADLINE.filter((key) => last?.values[key] !== undefined).map((key) => [key, last?.values[key] ?? null])),
    updatedAt: run.updatedAt(),
  };
}

export function runDetail(run: RunSource): RunDetail {
  const summary = runSummary(run);
  const config = run.config();
  return {
    ...summary,
    configText: config?.text ?? null,
    metrics: run.metrics?.rows() ?? [],
    metricsRevision: run.metrics?.revision ?? 0,
    unreadableMetricsLines: run.metrics?.unreadableLines ?? 0,
    decoder: run.decoder().info,
    sampleOptions: Object.fromEntries(Object.entries(run.sampleOptions()).filter(([, value]) => value !== undefined)) as Record<string, string | number>,
  };
}

type Tally = { rollouts: number; finished: number; failed: number; open: number; other: number; rewardSum: number; rewarded: number; successes: number };

const emptyTally = (): Tally => ({ rollouts: 0, finished: 0, failed: 0, open: 0, other: 0, rewardSum: 0, rewarded: 0, successes: 0 });

function addCell(tally: Tally, cell: StepCell): void {
  tally.rollouts += cell.rollouts;
  if (cell.status === 'finished' || cell.status === 'failed' || cell.status === 'open') tally[cell.status] += cell.rollouts;
  else tally.other += cell.rollouts;
  tally.rewardSum += cell.rewardSum;
  tally.rewarded += cell.rewarded;
  tally.successes += cell.successes;
}

function countsOf(t: Tally): Counts {
  return {
    rollouts: t.rollouts,
    finished: t.finished,
    failed: t.failed,
    open: t.open,
    other: t.other,
    rewardMean: t.rewarded === 0 ? null : t.rewardSum / t.rewarded,
    successRate: t.finished === 0 ? null : t.successes / t.finished,
  };
}

/** Every step with rollouts or a batch file, newest first. */
export async function stepSummaries(run: RunSource): Promise<StepSummary[]> {
  const db = run.database();
  const byStep = new Map<number | null, { train: Tally; validation: Tally }>();
  for (const cell of db?.browser.stepCells() ?? []) {
    const entry = byStep.get(cell.step) ?? { train: emptyTally(), validation: emptyTally() };
    addCell(cell.split === 'validation' ? entry.validation : entry.train, cell);
    byStep.set(cell.step, entry);
  }
  const batchSteps = (await run.batches?.steps()) ?? new Map<number, string>();
  for (const step of batchSteps.keys()) if (!byStep.has(step)) byStep.set(step, { train: emptyTally(), validation: emptyTally() });
  const summaries: StepSummary[] = [];
  for (const [step, entry] of byStep) {
    const batch = step !== null && batchSteps.has(step) ? await run.batches?.forStep(step) : null;
    summaries.push({ step, train: countsOf(entry.train), validation: countsOf(entry.validation), batchSamples: batch?.samples ?? null });
  }
  return summaries.sort((a, b) => (b.step ?? -1) - (a.step ?? -1));
}

/** One page of a step's rollouts. */
export async function stepPage(run: RunSource, step: number | null, query: StepQuery): Promise<StepPage> {
  const db = run.database();
  if (db === null) return queryStep(step, [], query, null);
  const batch = step === null ? null : ((await run.batches?.forStep(step)) ?? null);
  // Rebuilt only when the database or the step's batch changed since (a finished run: never).
  const key = `${JSON.stringify(db.browser.fingerprint())}:${batch?.samples ?? 'none'}`;
  const rows = run.memo.get(`step-rows:${step}`, key, () => {
    const rollouts = db.browser.rolloutsOfStep(step);
    return stepRows(rollouts, run.callTotals.totalsFor(db.browser, step, rollouts), batch);
  });
  const needle = query.q?.trim() ?? '';
  return queryStep(step, rows, { ...query, q: needle }, needle === '' ? null : db.browser.searchStep(step, needle));
}
