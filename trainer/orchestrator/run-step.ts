import { batchFilePath } from '../../src/run/run-layout.ts';
import type { Sample } from '../../src/trajectory/sample-types.ts';
import { computeAdvantages } from '../advantages/compute-advantages.ts';
import { filterGroups, oversampledTaskCount } from '../advantages/oversampling.ts';
import { lossAggregation } from '../config/learner-hyper.ts';
import type { TrainerConfig } from '../config/trainer-config.ts';
import { runAll } from '../workflows/run-pool.ts';
import { trainAndUpdatePolicy } from './policy-update.ts';
import { runRollout, type RolloutSpec } from './run-rollout.ts';
import { isAttempt, type RolloutOutcome } from './rollout-outcome.ts';
import { rolloutMetrics } from './step-metrics.ts';
import type { TrainerDeps } from './trainer-deps.ts';
import { buildBatch, toTrainSample, writeBatch, type IndexedSample } from './training-batch.ts';

/** Identical reasons counted once each, most frequent first: `16 × crashed: …; 2 × timeout: …`. */
export function groupReasons(reasons: readonly string[], shown = 3): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const rest = sorted.length - shown;
  return sorted.slice(0, shown).map(([reason, count]) => `${count} × ${reason}`).join('; ') + (rest > 0 ? `; and ${rest} other reason${rest === 1 ? '' : 's'} (run.log)` : '');
}

/** The run stops: too many rollouts of a step failed through the infrastructure (engine, proxy, workflow runner, judge). */
export class TooManyFailuresError extends Error {
  constructor(readonly step: number, readonly failed: number, readonly total: number, readonly reasons: string[]) {
    super(`step ${step}: ${failed} of ${total} rollouts failed through the infrastructure (engine, proxy, workflow or judge), more than rollout.maxFailureRate allows: ${groupReasons(reasons)}`);
    this.name = 'TooManyFailuresError';
  }
}

const hasTrainableToken = (sample: Sample): boolean => sample.lossMask.includes(1);

/** Runs rollouts with at most `concurrency` in flight, reporting each to the progress display. */
export async function runRollouts(deps: TrainerDeps, specs: RolloutSpec[]): Promise<RolloutOutcome[]> {
  // A proxy that was out, or restarted, rejoins here at the run's policy version.
  await deps.proxies.sync();
  return runAll(specs, deps.config.rollout.concurrency, (spec) => runRollout(deps, spec), (outcome) => {
    if (outcome.status === 'ok') deps.progress.rolloutFinished(outcome.reward, outcome.isSuccess);
    else deps.progress.rolloutFailed();
  });
}

/** Tasks a step runs: `tasksPerStep`, or more when oversampling (DAPO), never more than the taskset. */
export function tasksToRun(config: TrainerConfig, taskCount: number): number {
  const { tasksPerStep } = config.schedule;
  const { oversample } = config.rollout;
  return Math.min(oversample.enabled ? oversampledTaskCount(tasksPerStep, oversample.multiplier) : tasksPerStep, taskCount);
}

function keepInformative(deps: TrainerDeps, attempts: RolloutOutcome[]): { kept: RolloutOutcome[]; metrics: Record<string, number> } {
  if (!deps.config.rollout.oversample.enabled) return { kept: attempts, metrics: {} };
  const groups = filterGroups(attempts, { groupCount: deps.config.schedule.tasksPerStep });
  return { kept: [...groups.kept], metrics: { ...groups.metrics } };
}

/** The advantage stage's input, and each sample with what its batch row needs, by `rolloutId/sampleId`. */
function advantageInputs(kept: readonly RolloutOutcome[]) {
  const index = new Map<string, IndexedSample>();
  const rollouts = kept.map((o) => {
    const rolloutId = o.rolloutId as string;
    const samples = o.samples.filter(hasTrainableToken);
    const sampling = o.sampling ?? {};
    for (const sample of samples) index.set(`${rolloutId}/${sample.sampleId}`, { sample, taskId: o.task.id, reward: o.reward, sampling, failure: o.failure?.reason ?? null });
    return { rolloutId, groupId: o.groupId, reward: o.reward, samples: samples.map((s) => ({ sampleId: s.sampleId, lossMask: s.lossMask })) };
  });
  return { rollouts, index };
}

/**
 * One training step: pick tasks, run `groupSize` rollouts of each, judge, build samples and
 * advantages, write the batch, train, feed pass rates back to the selector. Returns the step's
 * metrics, or null when the run was stopped (SIGINT/SIGTERM) while its rollouts ran: their
 * cancelled rollouts are not data, so nothing is trained and the step is left to a resume.
 */
export async function runTrainingStep(deps: TrainerDeps, step: number): Promise<Record<string, number> | null> {
  const started = performance.now();
  const { config } = deps;
  const indices = deps.selector.next(tasksToRun(config, deps.trainTasks.length));
  const specs: RolloutSpec[] = indices.flatMap((index) => {
    const task = deps.trainTasks[index]!;
    return Array.from({ length: config.rollout.groupSize }, (_, attempt) => ({ task, groupId: `step${step}-${task.id}`, attempt, split: 'train' as const, step, sampling: config.rollout.sampling }));
  });
  deps.progress.beginStep(step, specs.length);
  const outcomes = await runRollouts(deps, specs);
  if (deps.signal.aborted) {
    deps.progress.endStep();
    return null;
  }
  const infra = outcomes.filter((o) => !isAttempt(o));
  if (infra.length > config.rollout.maxFailureRate * outcomes.length) {
    throw new TooManyFailuresError(step, infra.length, outcomes.length, infra.map((o) => `${o.failure?.reason}: ${o.failure?.message.split('\n')[0]}`));
  }
  const { kept, metrics: oversampleMetrics } = keepInformative(deps, outcomes.filter(isAttempt));
  const { rollouts, index } = advantageInputs(kept);
  const advantages = computeAdvantages(rollouts, config.algorithm, lossAggregation(config));
  const batch = buildBatch(advantages.samples, index);
  await writeBatch(batchFilePath(deps.run, step), batch);
  const learnerMetrics = await trainAndUpdatePolicy(deps, step, batch.map(toTrainSample));
  deps.selector.feedback(...passRates(outcomes));
  deps.progress.endStep();
  const seconds = (performance.now() - started) / 1000;
  return {
    ...rolloutMetrics(outcomes),
    ...oversampleMetrics,
    ...advantages.metrics,
    ...learnerMetrics,
    'batch/samples': batch.length,
    'batch/trainable_tokens': batch.reduce((n, row) => n + row.lossMask.filter((m) => m === 1).length, 0),
    'time/step_s': seconds,
    'throughput/rollouts_per_s': outcomes.length / seconds,
  };
}

/**
 * Per task index, the share of its successful rollouts this step and how many rollouts that is.
 * A failure the policy caused counts as a failed trial; an infrastructure failure is no trial.
 */
function passRates(outcomes: readonly RolloutOutcome[]): [number[], number[], number[]] {
  const byIndex = new Map<number, number[]>();
  for (const o of outcomes.filter(isAttempt)) byIndex.set(o.task.index, [...(byIndex.get(o.task.index) ?? []), o.status === 'ok' && o.isSuccess ? 1 : 0]);
  const indices = [...byIndex.keys()];
  const trials = indices.map((i) => byIndex.get(i)!.length);
  return [indices, indices.map((i, k) => byIndex.get(i)!.reduce((a, b) => a + b, 0) / trials[k]!), trials];
}
