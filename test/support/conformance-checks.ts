import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { ChoiceCapture } from '../../src/store/records.ts';
import type { ClientCase } from './conformance-case.ts';
import type { Fixture } from './conformance-fixture.ts';
import { USER_SAMPLING, type Reply } from './conformance-scenarios.ts';

/**
 * The checks every conformance case ends with: what the client read, that each recorded call holds
 * the ids the engine produced (replayed against the engine with the same prompt ids and seed), and
 * that a token-mode tool loop is one merged sample.
 */

/** A call as `GET /admin/rollouts/:id` shows it (the fields the checks read). */
export type CallView = {
  id: number;
  status: string;
  trainable: boolean;
  untrainableReason: string | null;
  stream: boolean;
  mode: string;
  promptIds: number[];
  completionIds: number[];
  choices: ChoiceCapture[];
  request: Record<string, unknown>;
  sent: Record<string, unknown>;
};

const pickSampling = (body: Record<string, unknown>) => ({ temperature: body['temperature'], top_p: body['top_p'] });

/** The engine's own answer for a recorded call's request, one entry per choice. */
type EngineAnswer = {
  promptIds: number[];
  choices: { index: number; completionIds: number[]; logprobs: number[]; text: string; finishReason: string }[];
};

type CompletionsBody = { choices: { index: number; text: string; token_ids: number[]; prompt_token_ids: number[]; finish_reason: string; logprobs: { token_logprobs: number[] } | null }[] };
type ChatBody = {
  prompt_token_ids: number[];
  choices: { index: number; message: { content: string | null }; token_ids: number[]; finish_reason: string; logprobs: { content: { logprob: number }[] } | null }[];
};

/** Sends the recorded request to the engine again, unstreamed: same prompt (ids), same seed. */
async function replay(fixture: Fixture, call: CallView): Promise<EngineAnswer> {
  const path = call.mode === 'token' ? '/v1/completions' : '/v1/chat/completions';
  const response = await fetch(`${fixture.engine.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...call.sent, stream: false, stream_options: undefined }),
  });
  assert.equal(response.status, 200, `replaying call ${call.id} on the engine: ${await response.clone().text()}`);
  if (call.mode === 'token') {
    const body = (await response.json()) as CompletionsBody;
    return {
      promptIds: body.choices[0]?.prompt_token_ids ?? [],
      choices: body.choices.map((c) => ({ index: c.index, completionIds: c.token_ids, logprobs: c.logprobs?.token_logprobs ?? [], text: c.text, finishReason: c.finish_reason })),
    };
  }
  const body = (await response.json()) as ChatBody;
  return {
    promptIds: body.prompt_token_ids,
    choices: body.choices.map((c) => ({ index: c.index, completionIds: c.token_ids, logprobs: c.logprobs?.content.map((e) => e.logprob) ?? [], text: c.message.content ?? '', finishReason: c.finish_reason })),
  };
}

export type RecordCheck = { calls: CallView[]; answers: EngineAnswer[] };

/**
 * Every call of the rollout completed, is trainable, and holds exactly the prompt ids, completion
 * ids and logprobs the engine produces for its request; in token mode the engine received exactly
 * the recorded prompt ids. Each call streamed exactly when the case streams. With `userSampling`, the client's temperature and top-p reached the engine.
 */
export async function assertRecordsAreEngineExact(fixture: Fixture, rolloutId: string, clientCase: ClientCase): Promise<RecordCheck> {
  const { scenario, userSampling } = clientCase;
  const view = await fixture.proxy.admin('GET', `/admin/rollouts/${rolloutId}`);
  assert.equal(view.status, 200);
  const calls = view.body.calls as CallView[];
  assert.equal(calls.length, scenario.calls, 'recorded calls');
  const answers: EngineAnswer[] = [];
  for (const call of calls) {
    assert.equal(call.status, 'completed', `call ${call.id}`);
    assert.equal(call.trainable, true, `call ${call.id} untrainable: ${call.untrainableReason}`);
    assert.equal(call.mode, fixture.mode);
    assert.equal(call.stream, clientCase.streaming, `call ${call.id}: streamed`);
    if (userSampling) {
      assert.deepEqual(pickSampling(call.request), USER_SAMPLING, 'the sampling the client asked for is recorded');
      assert.deepEqual(pickSampling(call.sent), USER_SAMPLING, 'the sampling sent to the engine');
    }
    if (fixture.mode === 'token') {
      const received = fixture.engine.requests.some((r) => r.path === '/v1/completions' && isDeepStrictEqual(r.body['prompt'], call.promptIds));
      assert.ok(received, `call ${call.id}: the engine received the recorded prompt ids`);
    }
    const answer = await replay(fixture, call);
    assert.deepEqual(call.promptIds, answer.promptIds, `call ${call.id}: prompt ids`);
    assert.equal(call.choices.length, answer.choices.length, `call ${call.id}: choices`);
    for (const choice of answer.choices) {
      const recorded = call.choices.find((c) => c.index === choice.index);
      assert.deepEqual(recorded?.completionIds, choice.completionIds, `call ${call.id} choice ${choice.index}: completion ids`);
      assert.deepEqual(recorded?.logprobs, choice.logprobs, `call ${call.id} choice ${choice.index}: logprobs`);
    }
    answers.push(answer);
  }
  return { calls, answers };
}

/** A tool loop in token mode: one sample, every later call merged onto the first, no drift. */
export async function assertOneMergedSample(fixture: Fixture, rolloutId: string, calls: readonly CallView[]): Promise<void> {
  await fixture.proxy.admin('POST', `/admin/rollouts/${rolloutId}/finish`, { reward: 1 });
  const { body } = await fixture.proxy.admin('GET', `/admin/rollouts/${rolloutId}/samples`);
  const stats = { samples: body.samples.length, forks: body.stats.forks, merges: body.stats.merges, drift: body.stats.driftEvents.length };
  // `forks` counts the roots of the call tree: the first call is the one root of a merged loop.
  assert.deepEqual(stats, { samples: 1, forks: 1, merges: calls.length - 1, drift: 0 }, 'the loop is one merged sample');
  const last = calls.at(-1);
  assert.deepEqual(body.samples[0].tokens, [...(last?.promptIds ?? []), ...(last?.completionIds ?? [])], 'the sample is the last turn in full');
}

/**
 * What a client must have read: the scenario's replies, or, for unscripted text, the engine's own
 * answer for each recorded choice (`check` needed then).
 */
export function assertClientRead(received: readonly Reply[], clientCase: ClientCase, check?: RecordCheck): void {
  const { scenario } = clientCase;
  const finishName = clientCase.finishName ?? ((reason: string) => reason);
  const replies =
    scenario.expected ??
    (check?.answers ?? []).flatMap((answer) => answer.choices.map((c) => ({ text: c.text, toolCalls: [], finishReason: c.finishReason })));
  const expected = replies.map((reply) => ({ ...reply, finishReason: reply.finishReason === null ? null : finishName(reply.finishReason) }));
  assert.deepEqual(received, expected, 'what the client read');
}
