import { stepHyper } from '../config/learner-hyper.ts';
import type { TrainSample } from '../learners/learner-types.ts';
import type { TrainerDeps } from './trainer-deps.ts';

/**
 * How new weights get behind the endpoint. A colocated worker serves its own weights:
 * the proxies are paused around its training step. With `learner.publish`, they are paused
 * around training *and* publishing, so no call is admitted until every engine serves the new
 * weights, and the resumed proxies record the learner's new policy version on every later call.
 *
 * The proxies are resumed in a `finally`: a failed step or publish never leaves one paused (the
 * error still ends the run), and after a failed publish they keep the version they had, since
 * the engines do not serve the new weights.
 */

/** Trains on the batch and puts the new weights behind the endpoint; returns the learner's metrics. */
export async function trainAndUpdatePolicy(deps: TrainerDeps, step: number, samples: TrainSample[]): Promise<Record<string, number>> {
  if (samples.length === 0) return { 'learner/skipped': 1 };
  const { publisher } = deps;
  const pauses = publisher !== undefined || (deps.learner.kind === 'worker' && deps.config.learner.colocated);
  // The proxy's version names the weights behind the endpoint: it moves only once they are there.
  if (pauses) await deps.proxies.pause();
  let served = deps.proxies.version;
  let result;
  let publishMetrics: Record<string, number> = {};
  try {
    result = await deps.learner.trainStep(samples, stepHyper(deps.config));
    if (publisher !== undefined && result.policyVersion !== null) publishMetrics = await publisher.publish(step, result.policyVersion);
    if (result.policyVersion !== null) served = result.policyVersion;
  } finally {
    if (pauses) await deps.proxies.resume(served);
  }
  return { ...result.metrics, ...publishMetrics, ...(result.policyVersion === null ? {} : { 'policy/version': result.policyVersion }) };
}

/**
 * Before the first rollout: the engines get the learner's weights (version 0, or a resumed run's
 * checkpoint, so a LoRA adapter exists before any call names it), and every proxy's version is
 * brought up to the newest of theirs and the checkpoint's. Only a proxy whose version must move
 * is paused meanwhile, since its calls would otherwise be recorded under the old version.
 */
export async function startPolicy(deps: TrainerDeps, resumed: { step: number; policyVersion: number } | null): Promise<void> {
  const current = await deps.proxies.newestVersion();
  const start = resumed ?? { step: 0, policyVersion: current };
  await deps.proxies.moveTo(Math.max(current, start.policyVersion), async () => {
    if (deps.publisher !== undefined) await deps.publisher.publish(start.step, start.policyVersion);
  });
}
