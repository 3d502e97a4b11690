import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { classifyWorkflowFailure } from '../../../../trainer/orchestrator/rollout-failure.ts';
import type { RecordedCall, RolloutView } from '../../../../trainer/proxy-client/admin-views.ts';

type View = RolloutView & { calls: RecordedCall[] };

function call(seq: number, change: Partial<RecordedCall> = {}): RecordedCall {
  return {
    id: seq, seq, status: 'completed', trainable: true, promptIds: [1, 2], completionIds: [3, 4], logprobs: [-0.1, -0.2],
    finishReason: 'stop', policyVersion: 0, mode: 'token', flags: {}, response: null,
    usage: { promptTokens: 2, completionTokens: 2, totalTokens: 4 }, latencyMs: 5, error: null, ...change,
  };
}

function view(calls: RecordedCall[], limits: RolloutView['limits'] = {}, status: RolloutView['status'] = 'open'): View {
  return {
    id: 'ro_1', rolloutId: 'ro_1', taskId: 't', groupId: 'g', attempt: 0, tag: null, trainable: true, engine: 'policy', status,
    limits, sampling: { temperature: 1, topP: 1 }, metadata: {}, reward: null, isSuccess: null, createdAt: 0, expiresAt: null, endedAt: null, calls,
  };
}

const engineError = { code: 'RC_ERR_UPSTREAM_SERVER_ERROR', message: 'The engine failed with status 500', status: 502 };

describe('who caused a workflow failure', () => {
  it('the policy: it used all of its calls and the agent crashed on the refused next one', () => {
    const failure = classifyWorkflowFailure('crashed', 'RateLimitError: 403 reached its limit of 3 calls', view([call(1), call(2), call(3)], { maxCalls: 3 }));
    assert.equal(failure.kind, 'policy');
    assert.equal(failure.reason, 'call_limit');
    assert.match(failure.message, /used all 3 calls.*crashed: RateLimitError/);
  });

  it('the policy: it used its token budget', () => {
    const failure = classifyWorkflowFailure('crashed', 'limit', view([call(1), call(2)], { maxTotalTokens: 8 }));
    assert.deepEqual([failure.kind, failure.reason], ['policy', 'token_limit']);
  });

  it('the policy: its prompt left too little of the token budget (the refused call is recorded)', () => {
    const refused = { code: 'RC_ERR_ROLLOUT_TOKEN_LIMIT', message: 'a prompt of 6 tokens leaves 2 for 4 choices', status: 403 };
    const failure = classifyWorkflowFailure('crashed', 'PermissionDeniedError', view([call(1), call(2, { status: 'failed', error: refused, usage: null })], { maxTotalTokens: 6 }));
    assert.deepEqual([failure.kind, failure.reason], ['policy', 'token_limit']);
  });

  it('the infrastructure: the engine over its rate limit, an unfinished answer, the proxy shutting down', () => {
    for (const [code, status] of [['RC_ERR_UPSTREAM_RATE_LIMITED', 'failed'], ['RC_ERR_UPSTREAM_UNFINISHED', 'failed'], ['RC_ERR_UPSTREAM_ERROR_EVENT', 'failed'], ['RC_ERR_SERVER_SHUTTING_DOWN', 'aborted']] as const) {
      const failure = classifyWorkflowFailure('crashed', 'APIError', view([call(1), call(2, { status, error: { code, message: 'x', status: 503 } })], { maxCalls: 2 }));
      assert.deepEqual([failure.kind, failure.reason], ['infra', 'engine'], code);
    }
  });

  it('the policy: its time to live ran out (the proxy expired the rollout)', () => {
    const failure = classifyWorkflowFailure('crashed', 'AuthenticationError: expired', view([call(1)], { ttlMs: 1000 }, 'expired'));
    assert.deepEqual([failure.kind, failure.reason], ['policy', 'ttl']);
  });

  it('the policy: the workflow timeout ended a run that was still looping', () => {
    const failure = classifyWorkflowFailure('timeout', 'workflow did not finish within 2000 ms', view([call(1), call(2), call(3, { status: 'aborted' })], { maxCalls: 32 }));
    assert.deepEqual([failure.kind, failure.reason], ['policy', 'timeout']);
  });

  it('the policy: the agent could not go on from a malformed or cut-off last answer', () => {
    const malformed = classifyWorkflowFailure('crashed', 'SyntaxError: JSON', view([call(1), call(2, { flags: { malformedToolCall: 'unterminated JSON' } })]));
    assert.deepEqual([malformed.kind, malformed.reason], ['policy', 'malformed_output']);
    assert.match(malformed.message, /could not be read: unterminated JSON/);
    const cut = classifyWorkflowFailure('bad_output', 'bad workflow output', view([call(1, { finishReason: 'length' })]));
    assert.deepEqual([cut.kind, cut.reason], ['policy', 'malformed_output']);
  });

  it('the infrastructure: the last call failed with an engine error, even at the call limit or timeout', () => {
    for (const reason of ['crashed', 'timeout'] as const) {
      const failure = classifyWorkflowFailure(reason, 'APIError', view([call(1), call(2, { status: 'failed', error: engineError })], { maxCalls: 2 }));
      assert.deepEqual([failure.kind, failure.reason], ['infra', 'engine'], reason);
      assert.match(failure.message, /RC_ERR_UPSTREAM_SERVER_ERROR/);
    }
  });

  it('not the infrastructure: an engine error the agent recovered from, then a loop to the limit', () => {
    const failure = classifyWorkflowFailure('crashed', 'limit', view([call(1, { status: 'failed', error: engineError }), call(2), call(3)], { maxCalls: 3 }));
    assert.deepEqual([failure.kind, failure.reason], ['policy', 'call_limit']);
  });

  it('the infrastructure: a workflow that breaks with no sign of the policy, and a cancelled run', () => {
    const crashed = classifyWorkflowFailure('crashed', 'TypeError: tool exploded', view([call(1)], { maxCalls: 32 }));
    assert.deepEqual([crashed.kind, crashed.reason], ['infra', 'workflow']);
    const garbage = classifyWorkflowFailure('bad_output', 'not JSON', view([]));
    assert.deepEqual([garbage.kind, garbage.reason], ['infra', 'workflow']);
    const cancelled = classifyWorkflowFailure('cancelled', 'run cancelled', view([call(1)], { maxCalls: 1 }));
    assert.deepEqual([cancelled.kind, cancelled.reason], ['infra', 'cancelled']);
  });
});
