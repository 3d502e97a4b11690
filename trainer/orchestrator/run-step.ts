import { batchFilePath } from '../../src/run/run-layout.ts';
import type { Sample } from '../../src/trajectory/sample-types.ts';
import { computeAdvantages } from '../advantages/compute-advantages.ts';
import { oversampledGroupSize, selectMaxSpread } from '../advantages/oversampling.ts';
import { runAll } from '../workflows/run-pool.ts';
import { trainAndUpdatePolicy } from './policy-update.ts';
import { runRollout, type RolloutSpec } from './run-rollout.ts';
import type { RolloutOutcome } from './rollout-outcome.ts';
import { rolloutMetrics } from './step-metrics.ts';
import type { TrainerDeps } from './trainer-deps.ts';
import { buildBatch, toTrainSample, writeBatch } from './training-batch.ts';

/** The run stops: too many rollouts of a step failed (a broken workflow, engine or judge). */
export class TooManyFailuresError extends Error {
  constructor(readonly step: number, readonly failed: number, readonly total: number, readonly examples: string[]) {
    super(`step ${step}: ${failed} of ${total} rollouts failed, more than rollout.maxFailureRate allows. First reasons:\n${examples.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'TooManyFailuresError';
  }
}

const hasTrainableToken = (sample: Sample): boolean => sample.lossMask.includes(1);

/** Runs rollouts with at most `concurrency` in flight, reporting each to the progress display. */
export async function runRollouts(deps: TrainerDeps, specs: RolloutSpec[]): Promise<RolloutOutcome[]> {
  return runAll(specs, deps.config.rollout.concurrency, (spec) => runRollout(deps, spec), (outcome) => {
    if (outcome.status === 'ok') deps.progress.rolloutFinished(outcome.reward, outcome.isSuccess);
    else deps.progress.rolloutFailed();
  });
}

function keepInformative(deps: TrainerDeps, outcomes: RolloutOutcome[]): { kept: RolloutOutcome[]; metrics: Record<string, number> } {
  if (!deps.config.rollout.oversample.enabled) return { kept: outcomes, metrics: {} };
  const chosen = selectMaxSpread(outcomes, { groupSize: deps.config.rollout.groupSize });
  return { kept: [...chosen.selected], metrics: { ...chosen.metrics } };
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
  const indices = deps.selector.next(Math.min(config.schedule.tasksPerStep, deps.trainTasks.length));
  const attempts = config.rollout.oversample.enabled ? oversampledGroupSize(config.rollout.groupSize, config.rollout.oversample.multiplier) : config.rollout.groupSize;
  const specs: RolloutSpec[] = indices.flatMap((index) => {
    const task = deps.trainTasks[index]!;
    return Array.from({ length: attempts }, (_, attempt) => ({ task, groupId: `step${step}-${task.id}`, attempt, split: 'train' as const, step, sampling: config.rollout.sampling }));
  });
  deps.progress.beginStep(step, specs.length);
  const outcomes = await runRollouts(deps, specs);
  if (deps.signal.aborted) {
    deps.progress.endStep();
    return null;
  }
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length > config.rollout.maxFailureRate * outcomes.length) {
    throw new TooManyFailuresError(step, failed.length, outcomes.length, failed.slice(0, 3).map((o) => `${o.task.id}#${o.attempt}: ${o.failure?.reason}: ${o.failure?.message.split('\n')[0]}`));
  }
  const { kept, metrics: oversampleMetrics } = keepInformative(deps, outcomes.filter((o) => o.status === 'ok'));
  const sampleIndex = new Map<string, { sample: Sample; taskId: string; reward: number }>();
  const rollouts = kept.map((o) => {
    const samples = o.samples.filter(hasTrainableToken);
    for (const sample of samples) sampleIndex.set(`${o.rolloutId}/${sample.sampleId}`, { sample, taskId: o.task.id, reward: o.reward });
    return { rolloutId: o.rolloutId as string, groupId: o.groupId, reward: o.reward, samples: samples.map((s) => ({ sampleId: s.sampleId, lossMask: s.lossMask })) };
  });
  const advantages = computeAdvantages(rollouts, config.algorithm);
  const batch = buildBatch(advantages.samples, sampleIndex);
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

/** Per task index, the share of its successful rollouts this step (failed rollouts count as 0). */
function passRates(outcomes: readonly RolloutOutcome[]): [number[], number[]] {
  const byIndex = new Map<number, number[]>();
  for (const o of outcomes) byIndex.set(o.task.index, [...(byIndex.get(o.task.index) ?? []), o.status === 'ok' && o.isSuccess ? 1 : 0]);
  const indices = [...byIndex.keys()];
  return [indices, indices.map((i) => { const v = byIndex.get(i)!; return v.reduce((a, b) => a + b, 0) / v.length; })];
}
