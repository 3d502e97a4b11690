import assert from 'node:assert/strict';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { CALC_TOOL, FINAL_REPLY, systemPrompt } from '../../support/conversation.ts';
import { finishedSamples, recordedCalls, STOP_SEQUENCE, STOPPED_TEXT, THOUGHT, withDialectFixture } from '../../support/dialect-fixture.ts';
import { startProxy, type Harness } from '../../support/proxy-harness.ts';

const env = withDialectFixture();

const TOOLS: Tool[] = [{ name: CALC_TOOL.function.name, description: CALC_TOOL.function.description, input_schema: CALC_TOOL.function.parameters as unknown as Tool.InputSchema }];
const anthropic = (proxy: Harness, apiKey: string) => new Anthropic({ baseURL: proxy.url, apiKey, maxRetries: 0 });
const body = (script: string, messages: MessageParam[]) => ({ model: env.engine.modelName, max_tokens: 512, system: systemPrompt(script), tools: TOOLS, messages });

/** The SDK's error body (`{"type": "error", "error": {...}}`) of a rejected call. */
async function rejection(call: Promise<unknown>): Promise<{ status: number | undefined; error: { type: string; message: string; code: string } }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof Anthropic.APIError, String(error));
    const shaped = error.error as { type: string; error: { type: string; message: string; code: string } };
    assert.equal(shaped.type, 'error');
    return { status: error.status, error: shaped.error };
  }
  throw new Error('the call was not rejected');
}

for (const mode of ['token', 'chat'] as const) {
  test(`${mode} mode: a tool loop's history comes back as exactly the assistant message the proxy produced (ids, arguments text, reasoning)`, async () => {
    const proxy = mode === 'token' ? env.token : env.chat;
    const { apiKey, rolloutId } = await proxy.createRollout({ sampling: { seed: 11 } });
    const client = anthropic(proxy, apiKey);
    const question: MessageParam = { role: 'user', content: 'What is 6*7?' };
    const first = await client.messages.create(body('think-calc', [question]));
    assert.deepEqual(first.content.map((block) => block.type), ['thinking', 'tool_use']);
    assert.equal(first.content[0]?.type === 'thinking' && first.content[0].thinking, THOUGHT);
    assert.equal(first.stop_reason, 'tool_use');
    const use = first.content[1];
    assert.ok(use?.type === 'tool_use');
    assert.deepEqual(use.input, { code: 'print(6*7)' });
    const second = await client.messages.create(body('think-calc', [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '42\n' }] }]));
    assert.deepEqual(second.content, [{ type: 'text', text: FINAL_REPLY }]);
    assert.equal(second.stop_reason, 'end_turn');

    const [call1, call2] = await recordedCalls(proxy, rolloutId);
    const replied = call1.response.choices[0].message;
    const expected = { role: 'assistant', content: null, tool_calls: replied.tool_calls.map((c: any) => ({ id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } })), reasoning: THOUGHT };
    assert.equal(expected.tool_calls[0].id, use.id, 'the tool_use id is the tool call id');
    assert.deepEqual(call2.chatRequest.messages[2], expected, 'the history holds the reply as it was produced');
    assert.deepEqual(call2.chatRequest.messages[3], { role: 'tool', tool_call_id: use.id, content: '42\n' });
    assert.equal(call2.extendsCallId, call1.id);
    assert.deepEqual([call1.dialect, call1.answerId, call2.answerId], ['anthropic-messages', first.id, second.id]);
    assert.equal(call2.request.messages[1].content[1].id, use.id, 'the request is recorded as the client sent it');
    if (mode === 'chat') assert.deepEqual(call2.sent.messages[2], expected, 'the engine got the same history');
    if (mode === 'token') assert.deepEqual(await finishedSamples(proxy, rolloutId), { samples: 1, merges: 1, forks: 1, drift: 0 });
  });

  test(`${mode} mode: a streamed answer's events assemble to the unary message, thinking included`, async () => {
    const proxy = mode === 'token' ? env.token : env.chat;
    const messages: MessageParam[] = [{ role: 'user', content: 'What is 6*7?' }];
    const { apiKey: unaryKey } = await proxy.createRollout({ sampling: { seed: 5 } });
    const unary = await anthropic(proxy, unaryKey).messages.create(body('think-calc', messages));
    const { apiKey } = await proxy.createRollout({ sampling: { seed: 5 } });
    const streamed = await anthropic(proxy, apiKey).messages.stream(body('think-calc', messages)).finalMessage();
    const withoutIds = (content: typeof unary.content) => content.map((block) => (block.type === 'tool_use' ? { ...block, id: block.id.length > 0 } : block));
    assert.deepEqual(withoutIds(streamed.content), withoutIds(unary.content), 'the same seed gives the same message (tool call ids are fresh)');
    assert.deepEqual([streamed.stop_reason, streamed.usage.input_tokens, streamed.usage.output_tokens], [unary.stop_reason, unary.usage.input_tokens, unary.usage.output_tokens]);
    assert.ok(unary.usage.input_tokens > 0 && unary.usage.output_tokens > 0);
    // The wire, as the SDK reads it: every event named, its data's type the same, `ping` included.
    const { apiKey: rawKey } = await proxy.createRollout({ sampling: { seed: 5 } });
    const raw = await fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': rawKey, 'content-type': 'application/json' }, body: JSON.stringify({ ...body('think-calc', messages), stream: true }) });
    assert.equal(raw.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const events = (await raw.text()).trim().split('\n\n').map((frame) => {
      const [name, data] = frame.split('\n');
      const payload = JSON.parse(data!.replace(/^data: /, '')) as { type: string; delta?: { type: string } };
      assert.equal(name, `event: ${payload.type}`);
      return payload.delta?.type ?? payload.type;
    });
    const compact = events.filter((type, i) => type !== events[i - 1]);
    assert.deepEqual(compact, ['message_start', 'content_block_start', 'ping', 'thinking_delta', 'content_block_stop', 'content_block_start', 'input_json_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  });

  test(`${mode} mode: stop sequences and the token budget end a turn with the API's stop reasons`, async () => {
    const proxy = mode === 'token' ? env.token : env.chat;
    const { apiKey, rolloutId } = await proxy.createRollout({ sampling: { seed: 3 } });
    const client = anthropic(proxy, apiKey);
    const asked = { ...body('stop-seq', [{ role: 'user', content: 'What is 6*7?' }]), stop_sequences: ['never', STOP_SEQUENCE] };
    const stopped = await client.messages.create(asked);
    assert.deepEqual([stopped.content, stopped.stop_reason, stopped.stop_sequence], [[{ type: 'text', text: STOPPED_TEXT }], 'stop_sequence', STOP_SEQUENCE]);
    const streamed = await client.messages.stream(asked).finalMessage();
    assert.deepEqual([streamed.stop_reason, streamed.stop_sequence], ['stop_sequence', STOP_SEQUENCE]);
    // The SDK's types no longer list the sampling fields; the API (and rollcall) still take them.
    const sampling = { temperature: 0.5, top_k: 20 };
    const cut = await client.messages.create({ ...asked, max_tokens: 3, ...sampling });
    assert.deepEqual([cut.stop_reason, cut.usage.output_tokens], ['max_tokens', 3]);
    const last = (await recordedCalls(proxy, rolloutId)).at(-1);
    assert.deepEqual([last.sent.stop, last.sent.top_k, last.sent.max_tokens ?? last.sent.max_completion_tokens], [['never', STOP_SEQUENCE], 20, 3], 'stop sequences, top_k and max_tokens reach the engine');
    assert.deepEqual([last.request.temperature, last.sent.temperature], [0.5, 1], "the rollout's sampling policy wins over the client's, which is recorded");
  });
}

test('a rollout may mix dialects: chat completions, then Messages, then Responses items continue one token-exact sample', async () => {
  const proxy = env.token;
  const { apiKey, rolloutId, baseUrl } = await proxy.createRollout({ sampling: { seed: 9 } });
  const system = systemPrompt('three');
  const question = 'What is twice 6*7?';
  const chat = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: env.engine.modelName, messages: [{ role: 'system', content: system }, { role: 'user', content: question }], tools: [CALC_TOOL] }),
  });
  const first = ((await chat.json()) as any).choices[0].message;
  const call1 = first.tool_calls[0];
  const second = await anthropic(proxy, apiKey).messages.create({
    model: env.engine.modelName,
    max_tokens: 512,
    system,
    tools: TOOLS,
    messages: [
      { role: 'user', content: question },
      { role: 'assistant', content: [{ type: 'tool_use', id: call1.id, name: call1.function.name, input: JSON.parse(call1.function.arguments) }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call1.id, content: '42\n' }] },
    ],
  });
  const use = second.content.find((block) => block.type === 'tool_use');
  assert.ok(use?.type === 'tool_use');
  const third = await fetch(`${baseUrl}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: env.engine.modelName,
      instructions: system,
      tools: [{ type: 'function', ...CALC_TOOL.function }],
      input: [
        { role: 'user', content: question },
        { type: 'function_call', call_id: call1.id, name: call1.function.name, arguments: call1.function.arguments },
        { type: 'function_call_output', call_id: call1.id, output: '42\n' },
        { type: 'function_call', call_id: use.id, name: use.name, arguments: JSON.stringify(use.input) },
        { type: 'function_call_output', call_id: use.id, output: '84\n' },
      ],
    }),
  });
  assert.equal(third.status, 200);
  assert.equal(((await third.json()) as any).output[0].content[0].text, FINAL_REPLY);
  const calls = await recordedCalls(proxy, rolloutId);
  assert.deepEqual(calls.map((c) => c.dialect), ['openai-chat', 'anthropic-messages', 'openai-responses']);
  assert.deepEqual(calls.map((c) => c.extendsCallId), [null, calls[0].id, calls[1].id]);
  assert.deepEqual(await finishedSamples(proxy, rolloutId), { samples: 1, merges: 2, forks: 1, drift: 0 });
});

test('keys: x-api-key (the SDK default), Bearer (authToken) and the /r/<key> path all reach the rollout', async () => {
  const { apiKey, rolloutId } = await env.chat.createRollout();
  const ask = { model: env.engine.modelName, max_tokens: 16, messages: [{ role: 'user' as const, content: 'Hi' }] };
  await new Anthropic({ baseURL: env.chat.url, apiKey, maxRetries: 0 }).messages.create(ask);
  await new Anthropic({ baseURL: env.chat.url, apiKey: null, authToken: apiKey, maxRetries: 0 }).messages.create(ask);
  // A client that can only set a base URL sends no key of its own.
  const pathOnly = new Anthropic({ baseURL: `${env.chat.url}/r/${apiKey}`, apiKey: null, defaultHeaders: { authorization: null }, maxRetries: 0 });
  assert.equal((await pathOnly.messages.countTokens({ model: ask.model, messages: ask.messages })).input_tokens > 0, true);
  assert.equal((await recordedCalls(env.chat, rolloutId)).length, 2, 'count_tokens records no call');
});

test('errors come in the API shape with the registry code, the right status, and nothing recorded', async () => {
  const { apiKey, rolloutId } = await env.token.createRollout({ limits: { maxCalls: 1 } });
  const client = anthropic(env.token, apiKey);
  const user = (content: MessageParam['content']): MessageParam[] => [{ role: 'user', content }];

  const raw = await fetch(`${env.token.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: user('Hi') }) });
  assert.equal(raw.status, 400);
  assert.equal(raw.headers.get('x-should-retry'), 'false');
  const missing = (await raw.json()) as any;
  assert.deepEqual([missing.type, missing.error.type, missing.error.code], ['error', 'invalid_request_error', 'RC_ERR_REQUEST_VALIDATION']);
  assert.match(missing.error.message, /max_tokens/);

  const image = await rejection(client.messages.create({ ...body('calc', user([{ type: 'text', text: 'What is this?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }])) }));
  assert.deepEqual([image.status, image.error.type, image.error.code], [400, 'invalid_request_error', 'RC_ERR_DIALECT_UNSUPPORTED_CONTENT']);
  assert.match(image.error.message, /messages\.0\.content\.1: a "image" block is not supported/);

  const search = await rejection(client.messages.create({ ...body('calc', user('Search the web')), tools: [{ type: 'web_search_20250305', name: 'web_search' }] }));
  assert.deepEqual([search.status, search.error.code], [400, 'RC_ERR_DIALECT_SERVER_TOOL']);
  assert.match(search.error.message, /tools\.0: "web_search_20250305"/);

  const prefill = await rejection(client.messages.create(body('calc', [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'The answer is' }])));
  assert.equal(prefill.error.code, 'RC_ERR_DIALECT_UNSUPPORTED_FIELD');

  const badKey = await rejection(anthropic(env.token, 'rk-not-a-key').messages.create(body('calc', user('Hi'))));
  assert.deepEqual([badKey.status, badKey.error.type, badKey.error.code], [401, 'authentication_error', 'RC_ERR_AUTH_INVALID_KEY']);

  assert.equal((await recordedCalls(env.token, rolloutId)).length, 0, 'nothing refused at the edge is recorded');
  await client.messages.create(body('calc', user('What is 6*7?')));
  const limited = await rejection(client.messages.create(body('calc', user('Again'))));
  assert.deepEqual([limited.status, limited.error.type, limited.error.code], [403, 'permission_error', 'RC_ERR_ROLLOUT_CALL_LIMIT']);
});

test('a stream the engine breaks ends with one error event (no message_stop); the SDK throws and the call is recorded failed', async () => {
  const { apiKey, rolloutId } = await env.chat.createRollout();
  env.engine.setFaults({ errorEventAfterTokens: 2, times: 1 });
  const events: string[] = [];
  const stream = anthropic(env.chat, apiKey).messages.stream({ model: env.engine.modelName, max_tokens: 64, messages: [{ role: 'user', content: 'Tell me about numbers.' }] });
  stream.on('streamEvent', (event) => events.push(event.type));
  const failure = await rejection(stream.finalMessage());
  assert.equal(failure.error.code, 'RC_ERR_UPSTREAM_ERROR_EVENT');
  assert.equal(failure.error.type, 'api_error');
  assert.ok(!events.includes('message_stop'));
  const [call] = await recordedCalls(env.chat, rolloutId);
  assert.deepEqual([call.status, call.trainable], ['failed', false]);
});

test('a body over the limit is 413 request_too_large, and a paused policy 429 rate_limit_error, in the API shape', async () => {
  const short = await startProxy([env.engine.url], { policy: { pauseMaxWaitMs: 50 } as never, maxBodyBytes: 4096 });
  try {
    const { apiKey } = await short.createRollout();
    const large = await rejection(anthropic(short, apiKey).messages.create({ model: env.engine.modelName, max_tokens: 16, messages: [{ role: 'user', content: 'x'.repeat(8192) }] }));
    assert.deepEqual([large.status, large.error.type, large.error.code], [413, 'request_too_large', 'RC_ERR_REQUEST_BODY_TOO_LARGE']);
    await short.admin('POST', '/admin/policy/pause', {});
    const paused = await rejection(anthropic(short, apiKey).messages.create({ model: env.engine.modelName, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }));
    assert.deepEqual([paused.status, paused.error.type, paused.error.code], [429, 'rate_limit_error', 'RC_ERR_POLICY_PAUSED']);
  } finally {
    await short.close();
  }
});
