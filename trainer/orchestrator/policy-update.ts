import { stepHyper } from '../config/learner-hyper.ts';
import type { TrainSample } from '../learners/learner-types.ts';
import type { TrainerDeps } from './trainer-deps.ts';

/**
 * How new weights get behind the endpoint. A colocated worker serves its own weights:
 * the proxy is paused around its training step. With `learner.publish`, the proxy is paused
 * around training *and* publishing, so no call is admitted until every engine serves the new
 * weights, and the resumed proxy records the learner's new policy version on every later call.
 *
 * The proxy is resumed in a `finally`: a failed step or publish never leaves it paused (the
 * error still ends the run), and after a failed publish it keeps the version it had, since the
 * engines do not serve the new weights.
 */

/** Trains on the batch and puts the new weights behind the endpoint; returns the learner's metrics. */
export async function trainAndUpdatePolicy(deps: TrainerDeps, step: number, samples: TrainSample[]): Promise<Record<string, number>> {
  if (samples.length === 0) return { 'learner/skipped': 1 };
  const { publisher } = deps;
  const pauses = publisher !== undefined || (deps.learner.kind === 'worker' && deps.config.learner.colocated);
  // The proxy's version names the weights behind the endpoint: it moves only once they are there.
  let served = pauses ? (await deps.admin.pausePolicy()).version : undefined;
  let result;
  let publishMetrics: Record<string, number> = {};
  try {
    result = await deps.learner.trainStep(samples, stepHyper(deps.config));
    if (publisher !== undefined && result.policyVersion !== null) publishMetrics = await publisher.publish(step, result.policyVersion);
    if (result.policyVersion !== null) served = result.policyVersion;
  } finally {
    if (pauses) await deps.admin.resumePolicy(served);
  }
  return { ...result.metrics, ...publishMetrics, ...(result.policyVersion === null ? {} : { 'policy/version': result.policyVersion }) };
}

/**
 * Before the first rollout: the engines get the learner's weights (version 0, or a resumed run's
 * checkpoint, so a LoRA adapter exists before any call names it), and the proxy's version is
 * brought up to the checkpoint's. The proxy is paused only when its version must move, since a
 * resume always moves it.
 */
export async function startPolicy(deps: TrainerDeps, resumed: { step: number; policyVersion: number } | null): Promise<void> {
  const current = (await deps.admin.policyStatus()).version;
  const start = resumed ?? { step: 0, policyVersion: current };
  const publish = async () => {
    if (deps.publisher !== undefined) await deps.publisher.publish(start.step, start.policyVersion);
  };
  if (current >= start.policyVersion) return publish();
  await deps.admin.pausePolicy();
  try {
    await publish();
  } finally {
    await deps.admin.resumePolicy(start.policyVersion);
  }
}
