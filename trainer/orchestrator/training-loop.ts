import { checkpointDir, loadLatestState, saveTrainerState } from '../run/trainer-state.ts';
import { startPolicy } from './policy-update.ts';
import { runTrainingStep, tasksToRun } from './run-step.ts';
import { runValidation } from './run-validation.ts';
import type { TrainerDeps } from './trainer-deps.ts';

/**
 * `stopped`: a signal ended the run before its last step; `outOfTime`: `schedule.maxMinutes` did;
 * `stepsRun` counts the steps trained.
 */
export type TrainingSummary = { stepsRun: number; resumedFrom: number | null; lastMetrics: Record<string, number>; stopped: boolean; outOfTime: boolean };

/** Steps to run: `schedule.steps`, else `epochs` (default 1) passes over the train tasks (an oversampling step serves more of them). */
export function totalSteps(deps: Pick<TrainerDeps, 'config' | 'trainTasks'>): number {
  const { schedule } = deps.config;
  if (schedule.steps !== undefined) return schedule.steps;
  const perEpoch = Math.ceil(deps.trainTasks.length / tasksToRun(deps.config, deps.trainTasks.length));
  return perEpoch * (schedule.epochs ?? 1);
}

/**
 * The training loop: validation when scheduled, steps, metrics after each, a checkpoint every
 * `checkpointEvery` steps (trainer state written last, so a checkpoint without it is ignored on
 * resume). A resumed run continues after the last complete checkpoint with the same selector
 * state and policy version.
 */
export async function runTraining(deps: TrainerDeps, options: { resume: boolean }): Promise<TrainingSummary> {
  const { config } = deps;
  const steps = totalSteps(deps);
  let first = 1;
  let resumedFrom: number | null = null;
  let rolloutsRun = 0;
  let resumedPolicy: { step: number; policyVersion: number } | null = null;
  if (options.resume) {
    const saved = loadLatestState(deps.run.checkpointsDir);
    if (saved !== null) {
      deps.selector.restore(saved.state.selector as Parameters<typeof deps.selector.restore>[0]);
      await deps.learner.restore(saved.dir);
      resumedPolicy = { step: saved.state.step, policyVersion: saved.state.policyVersion };
      first = saved.state.step + 1;
      resumedFrom = saved.state.step;
      rolloutsRun = saved.state.rolloutsRun;
      deps.log(`resumed from ${saved.dir} (step ${saved.state.step}, policy version ${saved.state.policyVersion})`);
    }
  }
  await startPolicy(deps, resumedPolicy);
  deps.progress.start();
  const { maxMinutes } = config.schedule;
  const deadline = maxMinutes === undefined ? Infinity : Date.now() + maxMinutes * 60_000;
  let lastMetrics: Record<string, number> = {};
  let stepsRun = 0;
  let outOfTime = false;
  try {
    if (config.schedule.evalBeforeTrain && first === 1) {
      const validation = await runValidation(deps, 0);
      if (!deps.signal.aborted) {
        deps.sink.write(0, validation);
        noteValidation(deps, 0, validation);
      }
    }
    for (let step = first; step <= steps && !deps.signal.aborted && !outOfTime; step++) {
      const metrics = await runTrainingStep(deps, step);
      if (metrics === null) break;
      stepsRun += 1;
      rolloutsRun += metrics['rollouts/count'] ?? 0;
      outOfTime = step < steps && Date.now() >= deadline;
      const isLast = step === steps || outOfTime;
      const every = config.schedule.evalEvery;
      const scheduled = every > 0 && (step % every === 0 || isLast) ? await runValidation(deps, step) : {};
      // A validation cut short by the stop counts its cancelled attempts as failures: not a result.
      const validation = deps.signal.aborted ? {} : scheduled;
      lastMetrics = { ...metrics, ...validation, 'policy/version': deps.proxies.version };
      deps.sink.write(step, lastMetrics);
      noteValidation(deps, step, validation);
      // A step trained just before a stop is checkpointed too, so a resume does not redo it.
      const checkpointEvery = config.schedule.checkpointEvery;
      if (checkpointEvery > 0 && (step % checkpointEvery === 0 || isLast || deps.signal.aborted)) {
        const dir = checkpointDir(deps.run.checkpointsDir, step);
        await deps.learner.checkpoint(dir);
        saveTrainerState(dir, { step, policyVersion: lastMetrics['policy/version'] ?? 0, selector: deps.selector.state(), rolloutsRun, savedAt: new Date().toISOString() });
      }
    }
  } finally {
    deps.progress.stop();
  }
  return { stepsRun, resumedFrom, lastMetrics, stopped: !outOfTime && first + stepsRun <= steps, outOfTime };
}

/** A validation's result as a line that stays on the console (the status line only shows it while it runs). */
function noteValidation(deps: TrainerDeps, step: number, validation: Record<string, number>): void {
  const passAt1 = validation['val/pass@1'];
  if (passAt1 === undefined) return;
  const k = deps.config.schedule.evalPassK;
  const passAtK = k > 1 ? `, pass@${k} ${(validation[`val/pass@${k}`] ?? 0).toFixed(3)}` : '';
  deps.progress.note(`validation ${step === 0 ? 'before training' : `after step ${step}`}: success ${passAt1.toFixed(3)}${passAtK}, reward ${(validation['val/reward/mean'] ?? 0).toFixed(3)} (${validation['val/tasks']} held-out tasks)`);
}
