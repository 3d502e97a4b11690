import { isRollcallError } from '../../src/errors/rollcall-error.ts';
import { sampleOptionsOf } from '../../src/trajectory/sample-options.ts';
import type { SamplingPolicy } from '../../src/wire/admin.ts';
import type { AuxiliaryModel } from '../judges/judge-types.ts';
import type { AdminClient } from '../proxy-client/admin-client.ts';
import type { RecordedCall, RolloutView } from '../proxy-client/admin-views.ts';
import type { WorkflowResult } from '../workflows/workflow-types.ts';
import { callStats, toJudgeCalls } from './judge-calls.ts';
import { classifyWorkflowFailure, infraFailure, type RolloutFailure } from './rollout-failure.ts';
import type { RolloutOutcome, TrainerTask } from './rollout-outcome.ts';
import type { TrainerDeps } from './trainer-deps.ts';

export type RolloutSpec = {
  task: TrainerTask;
  groupId: string;
  attempt: number;
  split: 'train' | 'validation';
  step: number;
  sampling: SamplingPolicy;
};

type Opened = { proxy: AdminClient; rolloutId: string; baseUrl: string; apiKey: string; auxiliary: { models: Record<string, AuxiliaryModel>; ids: string[] } };
type View = RolloutView & { calls: RecordedCall[] };

/** A registry error keeps its code in the reason, so a failed run can point at its fix. */
const message = (error: unknown): string => (isRollcallError(error) ? `${error.code} ${error.message}` : error instanceof Error ? error.message : String(error));

/** Opens one rollout on each auxiliary engine of the rollout's proxy, so the judge's and agent's extra calls are recorded beside it. */
async function openAuxiliary(proxy: AdminClient, deps: TrainerDeps, spec: RolloutSpec): Promise<Opened['auxiliary']> {
  const models: Record<string, AuxiliaryModel> = {};
  const ids: string[] = [];
  for (const [name, aux] of Object.entries(deps.config.auxiliaryModels)) {
    const opened = await proxy.createRollout({ taskId: spec.task.id, groupId: spec.groupId, attempt: spec.attempt, engine: name, tag: `auxiliary:${name}`, metadata: { step: spec.step, split: spec.split } });
    models[name] = { baseUrl: opened.baseUrl, apiKey: opened.apiKey, model: aux.model };
    ids.push(opened.rolloutId);
  }
  return { models, ids };
}

/** One rollout's run, extended as it goes (one state object per unit of work). `proxy`: the one that records it, once created. */
type RolloutRun = { deps: TrainerDeps; spec: RolloutSpec; outcome: RolloutOutcome; started: number; proxy: AdminClient | null };

/**
 * One rollout, end to end: create it on a proxy (the pool picks one), run the workflow with its
 * key, judge what it did from the recorded calls, close it with the reward, and fetch its
 * training samples — every read and write on the proxy that recorded it. A run that fails is
 * classified (rollout-failure.ts): a failure the policy caused closes the rollout with
 * `rollout.failureReward` and keeps its samples; an infrastructure failure (a proxy that went
 * down among them) closes it as failed with the reason and leaves it out. Either way the step
 * goes on.
 */
export async function runRollout(deps: TrainerDeps, spec: RolloutSpec): Promise<RolloutOutcome> {
  const run: RolloutRun = {
    deps,
    spec,
    started: performance.now(),
    proxy: null,
    outcome: { task: spec.task, groupId: spec.groupId, attempt: spec.attempt, rolloutId: null, status: 'failed', failure: null, reward: 0, isSuccess: false, metrics: {}, stats: null, samples: [], sampleStats: null, sampling: null, durationMs: 0 },
  };
  try {
    return await openAndRun(run);
  } finally {
    if (run.proxy !== null) deps.proxies.release(run.proxy);
  }
}

async function openAndRun(run: RolloutRun): Promise<RolloutOutcome> {
  const { deps, spec } = run;
  let opened: Opened;
  try {
    const { proxy, created } = await deps.proxies.createRollout({ taskId: spec.task.id, groupId: spec.groupId, attempt: spec.attempt, trainable: spec.split === 'train', limits: deps.config.rollout.limits, sampling: spec.sampling, metadata: { step: spec.step, split: spec.split } });
    run.proxy = proxy;
    run.outcome.rolloutId = created.rolloutId;
    opened = { ...created, proxy, auxiliary: await openAuxiliary(proxy, deps, spec) };
  } catch (error) {
    return failInfra(run, infraFailure('proxy', message(error)));
  }
  const result = await deps.runner.run({ task: spec.task, baseUrl: opened.baseUrl, apiKey: opened.apiKey, model: deps.model, rolloutId: opened.rolloutId, attempt: spec.attempt, metadata: { step: spec.step, split: spec.split, groupId: spec.groupId }, auxiliaryModels: opened.auxiliary.models, signal: deps.signal });
  if (result.stderr !== undefined && result.stderr !== '') deps.log(`rollout ${opened.rolloutId} stderr:\n${result.stderr}`);
  try {
    return await settle(run, opened, result);
  } finally {
    for (const id of opened.auxiliary.ids) await opened.proxy.finishRollout(id, {}).catch(() => undefined);
  }
}

/** After the workflow: classify a failure, or judge; close the rollout and fetch its samples. */
async function settle(run: RolloutRun, opened: Opened, result: WorkflowResult): Promise<RolloutOutcome> {
  const { deps, spec, outcome } = run;
  const { proxy } = opened;
  let view: View;
  try {
    view = await proxy.getRollout(opened.rolloutId);
  } catch (error) {
    const ran = result.ok ? 'the workflow returned' : `the workflow failed (${result.reason}: ${result.message})`;
    return failInfra(run, infraFailure('proxy', `${ran}, then reading the rollout from the proxy failed: ${message(error)}`));
  }
  outcome.sampling = view.sampling;
  outcome.stats = callStats(view.calls);
  let metadata: Record<string, unknown>;
  if (!result.ok) {
    const failure = classifyWorkflowFailure(result.reason, result.message, view);
    if (failure.kind === 'infra') return failInfra(run, failure);
    outcome.failure = failure;
    outcome.reward = deps.config.rollout.failureReward;
    metadata = failureMetadata(failure);
    deps.log(`rollout ${opened.rolloutId} task ${spec.task.id} attempt ${spec.attempt} failed through the policy (${failure.reason}): ${failure.message}; it trains with reward ${outcome.reward}`);
  } else {
    try {
      const judged = await deps.judge(spec.task, result.output, { calls: toJudgeCalls(view.calls), auxiliaryModels: opened.auxiliary.models });
      Object.assign(outcome, { status: 'ok', reward: judged.reward, isSuccess: judged.isSuccess, metrics: { ...result.output.metrics, ...judged.metrics } });
      metadata = { judge: judged.metrics };
    } catch (error) {
      return failInfra(run, infraFailure('judge', message(error)));
    }
  }
  try {
    // A rollout whose time to live ran out is closed already (expired); its reward lives in the batch.
    if (view.status === 'open') await proxy.finishRollout(opened.rolloutId, { reward: outcome.reward, isSuccess: outcome.isSuccess, metadata });
    if (spec.split === 'train') await fetchSamples(run, opened);
  } catch (error) {
    return failInfra(run, infraFailure('proxy', message(error)));
  }
  outcome.durationMs = performance.now() - run.started;
  return outcome;
}

async function fetchSamples(run: RolloutRun, opened: Opened): Promise<void> {
  const samples = await opened.proxy.getSamples(opened.rolloutId, sampleOptionsOf(run.deps.config.samples));
  run.outcome.samples = samples.samples;
  run.outcome.sampleStats = samples.stats;
}

/**
 * How a failure is kept with the rollout on the proxy: `failure` is the one-line reason (the
 * proxy's own key for a failed rollout), `failureKind` and `failureReason` say who caused it.
 */
function failureMetadata(failure: RolloutFailure): Record<string, unknown> {
  return { failure: `${failure.reason}: ${failure.message}`.slice(0, 10_000), failureKind: failure.kind, failureReason: failure.reason };
}

/** Closes the rollout as failed with the reason; it is reported and left out of training. */
async function failInfra(run: RolloutRun, failure: RolloutFailure): Promise<RolloutOutcome> {
  const { deps, spec, outcome } = run;
  Object.assign(outcome, { status: 'failed', failure, reward: 0, isSuccess: false, samples: [], sampleStats: null });
  deps.log(`rollout ${outcome.rolloutId ?? '(not created)'} task ${spec.task.id} attempt ${spec.attempt} failed (${failure.reason}): ${failure.message}`);
  if (outcome.rolloutId !== null && run.proxy !== null) {
    const body = { reason: `${failure.reason}: ${failure.message}`.slice(0, 10_000), metadata: { failureKind: failure.kind, failureReason: failure.reason } };
    await run.proxy.failRollout(outcome.rolloutId, body).catch((e: unknown) => deps.log(`closing rollout ${outcome.rolloutId} as failed did not work: ${message(e)}`));
  }
  outcome.durationMs = performance.now() - run.started;
  return outcome;
}
