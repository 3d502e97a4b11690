import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { CALC_TOOL, FINAL_REPLY, systemPrompt, TOOL_REPLY } from '../../support/conversation.ts';
import { withEngineAndProxy } from '../../support/proxy-harness.ts';

const env = withEngineAndProxy({ script: (engine) => engine.script('calc', [TOOL_REPLY, FINAL_REPLY]) });

async function client(sampling = { seed: 7 }) {
  const rollout = await env.proxy.createRollout({ taskId: 'sdk', sampling });
  return { rollout, openai: new OpenAI({ baseURL: rollout.baseUrl, apiKey: rollout.apiKey, maxRetries: 0 }) };
}

const question: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: 'Say something.' },
];

test('non-streaming completion through the SDK is recorded with engine ids and logprobs', async () => {
  const { rollout, openai } = await client();
  const completion = await openai.chat.completions.create({ model: env.engine.modelName, messages: question, max_tokens: 20 });
  const { body } = await env.proxy.admin('GET', `/admin/rollouts/${rollout.rolloutId}`);
  const [call] = body.calls;
  assert.equal(call.status, 'completed');
  assert.equal(call.trainable, true);
  assert.equal(call.completionIds.length, completion.usage?.completion_tokens);
  assert.equal(call.logprobs.length, call.completionIds.length);
  assert.equal(call.promptIds.length, completion.usage?.prompt_tokens);
  assert.equal(call.response.choices[0].message.content, completion.choices[0]?.message.content);
});

test('a stream accumulates to the same text, ids and logprobs as the non-streaming call with the same seed', async () => {
  const unary = await client();
  const streamed = await client();
  const expected = await unary.openai.chat.completions.create({ model: env.engine.modelName, messages: question });
  const stream = await streamed.openai.chat.completions.create({ model: env.engine.modelName, messages: question, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  assert.equal(text, expected.choices[0]?.message.content);
  const [a] = (await env.proxy.admin('GET', `/admin/rollouts/${unary.rollout.rolloutId}`)).body.calls;
  const [b] = (await env.proxy.admin('GET', `/admin/rollouts/${streamed.rollout.rolloutId}`)).body.calls;
  assert.equal(b.stream, true);
  assert.deepEqual(b.promptIds, a.promptIds);
  assert.deepEqual(b.completionIds, a.completionIds);
  assert.deepEqual(b.logprobs, a.logprobs);
  assert.equal(b.trainable, true);
});

test('streamed tool calls accumulate to the non-streaming tool calls', async () => {
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: systemPrompt('calc') },
    { role: 'user', content: 'What is 6*7?' },
  ];
  const unary = await (await client()).openai.chat.completions.create({ model: env.engine.modelName, messages, tools: [CALC_TOOL] });
  const stream = await (await client()).openai.chat.completions.create({ model: env.engine.modelName, messages, tools: [CALC_TOOL], stream: true });
  const calls: { name: string; arguments: string }[] = [];
  let finish: string | null = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    for (const delta of choice?.delta.tool_calls ?? []) {
      calls[delta.index] ??= { name: '', arguments: '' };
      const call = calls[delta.index] as { name: string; arguments: string };
      call.name += delta.function?.name ?? '';
      call.arguments += delta.function?.arguments ?? '';
    }
    finish = choice?.finish_reason ?? finish;
  }
  const expected = unary.choices[0]?.message.tool_calls?.map((c) => (c.type === 'function' ? { name: c.function.name, arguments: c.function.arguments } : null));
  assert.deepEqual(calls, expected);
  assert.equal(finish, 'tool_calls');
  assert.equal(unary.choices[0]?.finish_reason, 'tool_calls');
});

test('a 3-turn tool round trip: tool call, tool result in history, boxed answer, all recorded', async () => {
  const { rollout, openai } = await client();
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: systemPrompt('calc') },
    { role: 'user', content: 'What is 6*7?' },
  ];
  const first = await openai.chat.completions.create({ model: env.engine.modelName, messages, tools: [CALC_TOOL] });
  const toolCall = first.choices[0]?.message.tool_calls?.[0];
  assert.ok(toolCall && toolCall.type === 'function');
  assert.deepEqual(JSON.parse(toolCall.function.arguments), { code: 'print(6*7)' });
  messages.push(first.choices[0]!.message as ChatCompletionMessageParam, { role: 'tool', tool_call_id: toolCall.id, content: '42\n' });
  const second = await openai.chat.completions.create({ model: env.engine.modelName, messages, tools: [CALC_TOOL] });
  assert.match(second.choices[0]?.message.content ?? '', /\\boxed\{42\}/);
  messages.push(second.choices[0]!.message as ChatCompletionMessageParam, { role: 'user', content: 'Thanks!' });
  await openai.chat.completions.create({ model: env.engine.modelName, messages, tools: [CALC_TOOL] });
  const { body } = await env.proxy.admin('GET', `/admin/rollouts/${rollout.rolloutId}`);
  assert.deepEqual(body.calls.map((c: { seq: number }) => c.seq), [1, 2, 3]);
  assert.ok(body.calls.every((c: { trainable: boolean }) => c.trainable));
  assert.deepEqual(body.calls[1].request.messages[2].tool_calls[0].function.name, 'execute_python_code');
  assert.equal(body.calls[0].response.choices[0].message.tool_calls[0].function.name, 'execute_python_code');
  assert.equal(env.engine.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)?.body.return_token_ids, true);
});

test('errors reach the SDK as APIError with a rollcall code', async () => {
  const { rollout, openai } = await client();
  await env.proxy.admin('POST', `/admin/rollouts/${rollout.rolloutId}/finish`, { reward: 0 });
  await assert.rejects(openai.chat.completions.create({ model: env.engine.modelName, messages: question }), (error: unknown) => {
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 401);
    assert.equal(error.code, 'RC_ERR_AUTH_KEY_REVOKED');
    return true;
  });
  const fresh = await client();
  await assert.rejects(fresh.openai.chat.completions.create({ model: 'no-such-model', messages: question }), (error: unknown) => {
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 404);
    assert.equal(error.code, 'RC_ERR_UPSTREAM_REJECTED');
    assert.match(error.message, /model/i);
    return true;
  });
});
