import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { runSixTurnAgent, SIX_TURN_SCRIPT } from '../../support/agent-loop.ts';
import { startProxy, type Harness } from '../../support/proxy-harness.ts';

let engine: FakeEngine;
let tokenProxy: Harness;
let chatProxy: Harness;

before(async () => {
  engine = await startFakeEngine({ templateVariant: 'qwen3', chunkTokens: 2 });
  engine.script('six', SIX_TURN_SCRIPT);
  tokenProxy = await startProxy([engine.url], { engine: { mode: 'token' } as never });
  chatProxy = await startProxy([engine.url], { engine: { mode: 'chat' } as never });
});
after(async () => {
  await tokenProxy.close();
  await chatProxy.close();
  await engine.close();
});

async function run(proxy: Harness, stream: boolean) {
  const rollout = await proxy.createRollout({ taskId: 'six', sampling: { seed: 9, temperature: 1 } });
  const openai = new OpenAI({ baseURL: rollout.baseUrl, apiKey: rollout.apiKey, maxRetries: 0 });
  const agent = await runSixTurnAgent(openai, 'six', { stream });
  await proxy.admin('POST', `/admin/rollouts/${rollout.rolloutId}/finish`, { reward: 1 });
  const view = (await proxy.admin('GET', `/admin/rollouts/${rollout.rolloutId}`)).body;
  const samples = (await proxy.admin('GET', `/admin/rollouts/${rollout.rolloutId}/samples`)).body;
  return { rollout, agent, calls: view.calls as any[], samples };
}

test('token mode: a 6-turn tool rollout is exactly one sample holding, turn by turn, the ids the engine received and produced', async () => {
  const before = engine.requests.length;
  const { agent, calls, samples } = await run(tokenProxy, false);
  assert.equal(calls.length, 6);
  assert.ok(calls.every((c) => c.mode === 'token' && c.trainable), JSON.stringify(calls.map((c) => c.untrainableReason)));
  assert.equal(agent.replies[0]?.tool_calls?.[0]?.type, 'function');
  assert.match(agent.replies[2]?.content ?? '', /\\boxed\{42\}/);
  assert.match(agent.replies[5]?.content ?? '', /\\boxed\{84\}/);
  assert.equal((agent.replies[0] as { reasoning?: string }).reasoning, '\nI should compute 6*7 with the tool.\n');

  const generations = engine.requests.slice(before).filter((r) => r.path === '/v1/completions');
  assert.equal(generations.length, 6);
  assert.equal(samples.samples.length, 1);
  assert.equal(samples.stats.driftEvents.length, 0);
  assert.equal(samples.stats.forks, 1);
  assert.equal(samples.stats.merges, 5);
  const [sample] = samples.samples;
  let offset = 0;
  for (const [i, call] of calls.entries()) {
    assert.deepEqual(call.promptIds, generations[i]?.body.prompt, `turn ${i}: recorded prompt = what the engine received`);
    const turn = [...call.promptIds, ...call.completionIds];
    assert.deepEqual(sample.tokens.slice(0, turn.length), turn, `turn ${i} is a prefix of the sample`);
    const completionStart = call.promptIds.length;
    assert.deepEqual(sample.lossMask.slice(completionStart, turn.length), call.completionIds.map(() => 1));
    assert.deepEqual(sample.logprobs.slice(completionStart, turn.length), call.logprobs);
    assert.ok(completionStart >= offset);
    offset = turn.length;
  }
  assert.equal(sample.tokens.length, offset);
  assert.equal(sample.lossMask.filter((m: number) => m === 1).length, calls.reduce((n, c) => n + c.completionIds.length, 0));
});

test('token mode: the engine produced exactly the recorded completion ids (replayed against the engine)', async () => {
  const { calls } = await run(tokenProxy, false);
  for (const call of calls) {
    const response = await fetch(`${engine.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ ...call.sent, stream: false, stream_options: undefined }) });
    const json = (await response.json()) as { choices: { token_ids: number[]; logprobs: { token_logprobs: number[] } }[] };
    assert.deepEqual(call.completionIds, json.choices[0]?.token_ids);
    assert.deepEqual(call.logprobs, json.choices[0]?.logprobs.token_logprobs);
  }
});

test('streaming and non-streaming token mode give identical records for the same seed', async () => {
  const unary = await run(tokenProxy, false);
  const streamed = await run(tokenProxy, true);
  const strip = (c: any) => ({
    promptIds: c.promptIds,
    completionIds: c.completionIds,
    logprobs: c.logprobs,
    finishReason: c.finishReason,
    extendsCallId: c.extendsCallId === null ? null : 'linked',
    sent: { ...c.sent, stream: undefined, stream_options: undefined },
    message: { ...c.response.choices[0].message, tool_calls: c.response.choices[0].message.tool_calls.map((t: any) => ({ ...t, id: undefined })) },
    finish: c.response.choices[0].finish_reason,
  });
  assert.deepEqual(streamed.calls.map(strip), unary.calls.map(strip));
  assert.ok(streamed.calls.every((c) => c.stream && c.trainable));
  assert.deepEqual(streamed.samples.samples[0].tokens, unary.samples.samples[0].tokens);
});

test('chat pass-through against the drifting template forks and reports drift, never merging unseen tokens', async () => {
  const { calls, samples } = await run(chatProxy, false);
  assert.equal(calls.length, 6);
  assert.ok(calls.every((c) => c.mode === 'chat' && c.trainable));
  assert.ok(calls.slice(1).every((c) => c.extendsCallId !== null), 'every later call continues the previous one at message level');
  assert.ok(samples.stats.driftEvents.length > 0, 'drift is reported');
  assert.ok(samples.samples.length > 1, 'drifted turns start new samples');
  for (const sample of samples.samples) {
    for (const callId of sample.callIds) {
      const call = calls.find((c) => c.id === callId);
      const turn = [...call.promptIds, ...call.completionIds];
      const at = sample.callIds.indexOf(callId);
      if (at === sample.callIds.length - 1) assert.deepEqual(sample.tokens.slice(0, turn.length), turn);
    }
    assert.equal(sample.tokens.length, sample.lossMask.length);
  }
});
