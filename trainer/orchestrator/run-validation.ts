import { runRollouts } from './run-step.ts';
import { passAtK, rolloutMetrics } from './step-metrics.ts';
import type { TrainerDeps } from './trainer-deps.ts';

/**
 * Validation: `evalPassK` attempts of each validation task (the first `evalTasks`, or all),
 * never trainable, at the validation sampling. Reports pass@1, pass@k and the usual rollout
 * metrics under `val/`.
 */
export async function runValidation(deps: TrainerDeps, step: number): Promise<Record<string, number>> {
  const { schedule } = deps.config;
  const limit = schedule.evalTasks === 0 ? deps.validationTasks.length : Math.min(schedule.evalTasks, deps.validationTasks.length);
  const tasks = deps.validationTasks.slice(0, limit);
  if (tasks.length === 0) return {};
  const specs = tasks.flatMap((task) =>
    Array.from({ length: schedule.evalPassK }, (_, attempt) => ({ task, groupId: `val${step}-${task.id}`, attempt, split: 'validation' as const, step, sampling: schedule.evalSampling })),
  );
  deps.progress.beginStep(step, specs.length, 'validation');
  const outcomes = await runRollouts(deps, specs);
  deps.progress.endStep();
  return { ...rolloutMetrics(outcomes, 'val/'), ...passAtK(outcomes, schedule.evalPassK) };
}
