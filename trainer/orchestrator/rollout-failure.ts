import type { WorkflowFailureReason } from '../workflows/workflow-types.ts';
import type { RecordedCall, RolloutView } from '../proxy-client/admin-views.ts';

/**
 * Who a failed rollout's failure belongs to.
 *
 * Policy: a failure the policy caused is a result of the policy and is trained on — the rollout
 * keeps its place in its group with `rollout.failureReward`, so a policy that loops until its
 * call limit or the timeout is pushed away from doing so (Trinity-RFT and verl agent loops
 * likewise score a rollout that ran out of turns or time instead of dropping it). A failure of
 * the infrastructure says nothing about the policy: the rollout stays out of its group and out
 * of the selector's pass rates, and only these failures count toward `rollout.maxFailureRate`.
 *
 * Rules for a workflow that did not return an output, first match wins, from what the proxy
 * recorded for the rollout:
 * 1. the run was cancelled (the trainer is stopping)                       → infra `cancelled`
 * 2. its last call failed with an engine or proxy error (`RC_ERR_UPSTREAM_*`, `RC_ERR_ENGINE_*`,
 *    `RC_ERR_SERVER_INTERNAL`, `RC_ERR_RENDER_TEMPLATE`), or the proxy's shutdown ended it
 *    (`RC_ERR_SERVER_SHUTTING_DOWN`): the agent gave up on the infrastructure
 *                                                                           → infra `engine`
 * 3. it used all of `limits.maxCalls` or `limits.maxTotalTokens` (the proxy refuses the next call
 *    without recording it, or records it failed with RC_ERR_ROLLOUT_TOKEN_LIMIT when its prompt
 *    leaves too little of the budget), or its time to live expired        → policy `call_limit`,
 *                                                                             `token_limit`, `ttl`
 * 4. the workflow's time limit (`workflow.timeoutMs`) ended it              → policy `timeout`
 * 5. the policy's last answer was malformed (a tool call the parser could not read) or cut at
 *    `limits.maxTokensPerTurn`, and the agent could not go on from it      → policy `malformed_output`
 * 6. anything else: the workflow itself broke (a crash, output that is not the contract, a
 *    program that would not start), with no sign the policy caused it     → infra `workflow`
 * A rollout the proxy could not create, or a judge that failed, is infra (`proxy`, `judge`).
 */

export const POLICY_FAILURE_REASONS = ['call_limit', 'token_limit', 'ttl', 'timeout', 'malformed_output'] as const;
export const INFRA_FAILURE_REASONS = ['cancelled', 'engine', 'workflow', 'proxy', 'judge'] as const;
export type FailureReason = (typeof POLICY_FAILURE_REASONS)[number] | (typeof INFRA_FAILURE_REASONS)[number];
export type FailureKind = 'policy' | 'infra';

export type RolloutFailure = { kind: FailureKind; reason: FailureReason; message: string };

const INFRA_CODE = /^RC_ERR_(UPSTREAM_(CONNECT|TIMEOUT|RESET|SERVER_ERROR|STREAM_BROKEN|BAD_RESPONSE|RATE_LIMITED|ERROR_EVENT|UNFINISHED)|ENGINE_\w+|SERVER_(INTERNAL|SHUTTING_DOWN)|RENDER_TEMPLATE)$/;

export const infraFailure = (reason: (typeof INFRA_FAILURE_REASONS)[number], message: string): RolloutFailure => ({ kind: 'infra', reason, message });
const policyFailure = (reason: (typeof POLICY_FAILURE_REASONS)[number], message: string): RolloutFailure => ({ kind: 'policy', reason, message });

function limitReached(view: RolloutView & { calls: readonly RecordedCall[] }): RolloutFailure | null {
  const { limits } = view;
  if (limits.maxCalls !== undefined && view.calls.length >= limits.maxCalls) return policyFailure('call_limit', `used all ${limits.maxCalls} calls (rollout.limits.maxCalls)`);
  const tokens = view.calls.reduce((n, call) => n + (call.usage?.totalTokens ?? 0), 0);
  const refused = view.calls.at(-1)?.error?.code === 'RC_ERR_ROLLOUT_TOKEN_LIMIT';
  if (limits.maxTotalTokens !== undefined && (tokens >= limits.maxTotalTokens || refused)) return policyFailure('token_limit', `used ${tokens} of ${limits.maxTotalTokens} tokens (rollout.limits.maxTotalTokens)`);
  if (view.status === 'expired') return policyFailure('ttl', `its time to live of ${limits.ttlMs} ms ran out (rollout.limits.ttlMs)`);
  return null;
}

function malformedLastAnswer(calls: readonly RecordedCall[]): string | null {
  const last = calls.filter((call) => call.status === 'completed').at(-1);
  if (last === undefined) return null;
  if (last.flags.malformedToolCall !== undefined) return `its last answer (call ${last.seq}) held a tool call that could not be read: ${last.flags.malformedToolCall}`;
  if (last.finishReason === 'length') return `its last answer (call ${last.seq}) was cut at rollout.limits.maxTokensPerTurn`;
  return null;
}

/** The failure of a workflow run that ended without an output (`reason` from its runner), from the rollout as recorded. */
export function classifyWorkflowFailure(reason: WorkflowFailureReason, detail: string, view: RolloutView & { calls: readonly RecordedCall[] }): RolloutFailure {
  const message = `${reason}: ${detail}`;
  if (reason === 'cancelled') return infraFailure('cancelled', message);
  const { calls } = view;
  const last = calls.at(-1);
  if (last !== undefined && last.status !== 'completed' && last.error !== null && INFRA_CODE.test(last.error.code)) {
    return infraFailure('engine', `${message} (its last call failed: ${last.error.code} ${last.error.message})`);
  }
  const limit = limitReached(view);
  if (limit !== null) return { ...limit, message: `${limit.message}: ${message}` };
  if (reason === 'timeout') return policyFailure('timeout', message);
  const malformed = malformedLastAnswer(calls);
  if (malformed !== null) return policyFailure('malformed_output', `${malformed}: ${message}`);
  return infraFailure('workflow', message);
}
