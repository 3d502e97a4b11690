import { sampleOptionsOf } from '../../src/trajectory/sample-options.ts';
import type { SamplingPolicy } from '../../src/wire/admin.ts';
import type { AuxiliaryModel } from '../judges/judge-types.ts';
import type { TrainerDeps } from './trainer-deps.ts';
import { callStats, toJudgeCalls } from './judge-calls.ts';
import type { RolloutOutcome, TrainerTask } from './rollout-outcome.ts';

export type RolloutSpec = {
  task: TrainerTask;
  groupId: string;
  attempt: number;
  split: 'train' | 'validation';
  step: number;
  sampling: SamplingPolicy;
};

type Opened = { rolloutId: string; baseUrl: string; apiKey: string };

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Opens one rollout on each auxiliary engine, so the judge's and agent's extra calls are recorded too. */
async function openAuxiliary(deps: TrainerDeps, spec: RolloutSpec): Promise<{ models: Record<string, AuxiliaryModel>; ids: string[] }> {
  const models: Record<string, AuxiliaryModel> = {};
  const ids: string[] = [];
  for (const [name, aux] of Object.entries(deps.config.auxiliaryModels)) {
    const opened = await deps.admin.createRollout({ taskId: spec.task.id, groupId: spec.groupId, attempt: spec.attempt, engine: name, tag: `auxiliary:${name}`, metadata: { step: spec.step, split: spec.split } });
    models[name] = { baseUrl: opened.baseUrl, apiKey: opened.apiKey, model: aux.model };
    ids.push(opened.rolloutId);
  }
  return { models, ids };
}

/**
 * One rollout, end to end: create it on the proxy, run the workflow with its key, judge what it
 * did from the recorded calls, close it with the reward, and fetch its training samples. A
 * workflow that crashes, hangs or prints garbage (or a judge that fails) closes the rollout as
 * failed with the reason; it is reported and left out of training, and the step goes on.
 */
export async function runRollout(deps: TrainerDeps, spec: RolloutSpec): Promise<RolloutOutcome> {
  const started = performance.now();
  const trainable = spec.split === 'train';
  const outcome: RolloutOutcome = { task: spec.task, groupId: spec.groupId, attempt: spec.attempt, rolloutId: null, status: 'failed', failure: null, reward: 0, isSuccess: false, metrics: {}, stats: null, samples: [], sampleStats: null, durationMs: 0 };
  const fail = async (reason: string, detail: string): Promise<RolloutOutcome> => {
    outcome.failure = { reason, message: detail };
    deps.log(`rollout ${outcome.rolloutId ?? '(not created)'} task ${spec.task.id} attempt ${spec.attempt} failed (${reason}): ${detail}`);
    if (outcome.rolloutId !== null) await deps.admin.failRollout(outcome.rolloutId, { reason: `${reason}: ${detail}`.slice(0, 10_000) }).catch((e: unknown) => deps.log(`closing rollout ${outcome.rolloutId} as failed did not work: ${message(e)}`));
    outcome.durationMs = performance.now() - started;
    return outcome;
  };
  let opened: Opened;
  let auxiliary: { models: Record<string, AuxiliaryModel>; ids: string[] };
  try {
    opened = await deps.admin.createRollout({ taskId: spec.task.id, groupId: spec.groupId, attempt: spec.attempt, trainable, limits: deps.config.rollout.limits, sampling: spec.sampling, metadata: { step: spec.step, split: spec.split } });
    outcome.rolloutId = opened.rolloutId;
    auxiliary = await openAuxiliary(deps, spec);
  } catch (error) {
    return fail('proxy', message(error));
  }
  const result = await deps.runner.run({ task: spec.task, baseUrl: opened.baseUrl, apiKey: opened.apiKey, model: deps.model, rolloutId: opened.rolloutId, attempt: spec.attempt, metadata: { step: spec.step, split: spec.split, groupId: spec.groupId }, auxiliaryModels: auxiliary.models, signal: deps.signal });
  if (result.stderr !== undefined && result.stderr !== '') deps.log(`rollout ${opened.rolloutId} stderr:\n${result.stderr}`);
  try {
    if (!result.ok) return await fail(result.reason, result.message);
    const view = await deps.admin.getRollout(opened.rolloutId);
    const calls = toJudgeCalls(view.calls);
    const judged = await deps.judge(spec.task, result.output, { calls, auxiliaryModels: auxiliary.models });
    outcome.stats = callStats(view.calls);
    outcome.reward = judged.reward;
    outcome.isSuccess = judged.isSuccess;
    outcome.metrics = { ...result.output.metrics, ...judged.metrics };
    await deps.admin.finishRollout(opened.rolloutId, { reward: judged.reward, isSuccess: judged.isSuccess, metadata: { judge: judged.metrics } });
    if (trainable) {
      const samples = await deps.admin.getSamples(opened.rolloutId, sampleOptionsOf(deps.config.samples));
      outcome.samples = samples.samples;
      outcome.sampleStats = samples.stats;
    }
    outcome.status = 'ok';
  } catch (error) {
    return fail('judge', message(error));
  } finally {
    for (const id of auxiliary.ids) await deps.admin.finishRollout(id, {}).catch(() => undefined);
  }
  outcome.durationMs = performance.now() - started;
  return outcome;
}
