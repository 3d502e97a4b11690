import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import OpenAI from 'openai';
import type { FunctionTool, ResponseInputItem } from 'openai/resources/responses/responses';
import { openStore } from '../../../src/store/store.ts';
import { CALC_TOOL, FINAL_REPLY, systemPrompt } from '../../support/conversation.ts';
import { finishedSamples, recordedCalls, THOUGHT, withDialectFixture } from '../../support/dialect-fixture.ts';
import { startProxy, type Harness } from '../../support/proxy-harness.ts';

const env = withDialectFixture();

const TOOLS: FunctionTool[] = [{ type: 'function', name: CALC_TOOL.function.name, description: CALC_TOOL.function.description, parameters: CALC_TOOL.function.parameters as unknown as Record<string, unknown>, strict: false }];
const openai = (proxy: Harness, apiKey: string) => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey, maxRetries: 0 });
const ask = (script: string, input: string | ResponseInputItem[]) => ({ model: env.engine.modelName, instructions: systemPrompt(script), tools: TOOLS, input });

/** The SDK's error body of a rejected call. */
async function rejection(call: Promise<unknown>): Promise<{ status: number | undefined; code: string; message: string; param: string | null }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof OpenAI.APIError, String(error));
    return { status: error.status, code: String(error.code), message: error.message, param: error.param ?? null };
  }
  throw new Error('the call was not rejected');
}

for (const mode of ['token', 'chat'] as const) {
  test(`${mode} mode: reasoning, text and function calls come back as output items, streamed or not alike`, async () => {
    const proxy = mode === 'token' ? env.token : env.chat;
    const { apiKey: unaryKey } = await proxy.createRollout({ sampling: { seed: 21 } });
    const unary = await openai(proxy, unaryKey).responses.create(ask('think-calc', 'What is 6*7?'));
    assert.deepEqual(unary.output.map((item) => item.type), ['reasoning', 'function_call']);
    const [reasoning, call] = unary.output;
    assert.ok(reasoning?.type === 'reasoning' && call?.type === 'function_call');
    assert.deepEqual(reasoning.content, [{ type: 'reasoning_text', text: THOUGHT }]);
    assert.deepEqual(JSON.parse(call.arguments), { code: 'print(6*7)' });
    assert.equal(unary.status, 'completed');
    assert.ok((unary.usage?.input_tokens ?? 0) > 0 && unary.usage?.total_tokens === unary.usage!.input_tokens + unary.usage!.output_tokens);

    const { apiKey } = await proxy.createRollout({ sampling: { seed: 21 } });
    const stream = openai(proxy, apiKey).responses.stream(ask('think-calc', 'What is 6*7?'));
    const types: string[] = [];
    stream.on('event', (event) => types.push(event.type));
    const streamed = await stream.finalResponse();
    // The helper adds `parsed_arguments` to function calls; ids are fresh per response.
    const comparable = (output: typeof unary.output) =>
      output.map(({ id: _id, ...item }) => (item.type === 'function_call' ? { type: item.type, name: item.name, arguments: item.arguments, status: item.status, call_id: item.call_id.length > 0 } : item));
    assert.deepEqual(comparable(streamed.output), comparable(unary.output), 'the same seed gives the same output (ids are fresh)');
    assert.deepEqual([streamed.status, streamed.usage], [unary.status, unary.usage]);
    const compact = types.filter((type, i) => type !== types[i - 1]);
    assert.deepEqual(compact, [
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.content_part.added', 'response.reasoning_text.delta', 'response.reasoning_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.completed',
    ]);
  });

  test(`${mode} mode: previous_response_id resumes the exact conversation, with the new request's instructions`, async () => {
    const proxy = mode === 'token' ? env.token : env.chat;
    const { apiKey, rolloutId } = await proxy.createRollout({ sampling: { seed: 4 } });
    const client = openai(proxy, apiKey);
    const first = await client.responses.create({ ...ask('think-calc', 'What is 6*7?'), metadata: { task: 'x' } });
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call?.type === 'function_call');
    const second = await client.responses.create({ ...ask('think-calc', [{ type: 'function_call_output', call_id: call.call_id, output: '42\n' }]), previous_response_id: first.id });
    assert.equal(second.output_text, FINAL_REPLY);
    assert.equal(second.previous_response_id, first.id);
    const [call1, call2] = await recordedCalls(proxy, rolloutId);
    const produced = call1.response.choices[0].message;
    assert.deepEqual(call2.chatRequest.messages, [
      { role: 'system', content: systemPrompt('think-calc') },
      { role: 'user', content: 'What is 6*7?' },
      { role: 'assistant', content: null, tool_calls: produced.tool_calls.map((c: any) => ({ id: c.id, type: 'function', function: c.function })), reasoning: THOUGHT },
      { role: 'tool', tool_call_id: call.call_id, content: '42\n' },
    ]);
    assert.equal(produced.tool_calls[0].function.arguments, call.arguments, 'the call_id and arguments are the tool call as produced');
    assert.deepEqual([call1.answerId, call2.answerId, call2.extendsCallId], [first.id, second.id, call1.id]);
    assert.deepEqual(call2.request.previous_response_id, first.id, 'the request is recorded as the client sent it');

    const changed = await client.responses.create({ model: env.engine.modelName, instructions: 'Answer tersely.', input: 'And 6*8?', previous_response_id: second.id });
    const [, , call3] = await recordedCalls(proxy, rolloutId);
    assert.deepEqual(call3.chatRequest.messages[0], { role: 'system', content: 'Answer tersely.' }, 'instructions are not carried over');
    assert.deepEqual(call3.chatRequest.messages.slice(1), [...call2.chatRequest.messages.slice(1), { role: 'assistant', content: FINAL_REPLY }, { role: 'user', content: 'And 6*8?' }], 'the history is the whole chain');
    assert.equal(changed.status, 'completed');
    if (mode === 'token') assert.deepEqual(await finishedSamples(proxy, rolloutId), { samples: 2, merges: 1, forks: 2, drift: 0 });
  });
}

test('a chain survives a proxy restart: previous_response_id is read back from the record', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'rollcall-responses-')), 'calls.db');
  const before = await startProxy([env.engine.url], { engine: { mode: 'token' } as never }, openStore(path));
  const { apiKey, rolloutId } = await before.createRollout({ sampling: { seed: 8 } });
  const first = await openai(before, apiKey).responses.create(ask('calc', 'What is 6*7?'));
  await before.close();
  const after = await startProxy([env.engine.url], { engine: { mode: 'token' } as never }, openStore(path));
  try {
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call?.type === 'function_call');
    const second = await openai(after, apiKey).responses.create({ ...ask('calc', [{ type: 'function_call_output', call_id: call.call_id, output: '42\n' }]), previous_response_id: first.id });
    assert.equal(second.output_text, FINAL_REPLY);
    const calls = await recordedCalls(after, rolloutId);
    assert.equal(calls[1].extendsCallId, calls[0].id, 'the resumed call continues the recorded turn');
    assert.deepEqual(await finishedSamples(after, rolloutId), { samples: 1, merges: 1, forks: 1, drift: 0 });
  } finally {
    await after.close();
  }
});

test('previous_response_id must name a stored, completed response of this rollout', async () => {
  const { apiKey } = await env.chat.createRollout();
  const { apiKey: otherKey } = await env.chat.createRollout();
  const client = openai(env.chat, apiKey);
  const unstored = await client.responses.create({ ...ask('calc', 'What is 6*7?'), store: false });
  assert.equal((unstored as unknown as { store: boolean }).store, false, 'the request\'s store is echoed');
  const refused = await rejection(client.responses.create({ model: env.engine.modelName, input: 'Go on.', previous_response_id: unstored.id }));
  assert.deepEqual([refused.status, refused.code, refused.param], [400, 'RC_ERR_DIALECT_PREVIOUS_RESPONSE', 'previous_response_id']);
  assert.match(refused.message, /store: false/);
  const stored = await client.responses.create(ask('calc', 'What is 6*7?'));
  const elsewhere = await rejection(openai(env.chat, otherKey).responses.create({ model: env.engine.modelName, input: 'Go on.', previous_response_id: stored.id }));
  assert.equal(elsewhere.code, 'RC_ERR_DIALECT_PREVIOUS_RESPONSE', 'another rollout never continues this one');
  assert.equal((await rejection(client.responses.create({ model: env.engine.modelName, input: 'Go on.', previous_response_id: 'resp_unknown' }))).code, 'RC_ERR_DIALECT_PREVIOUS_RESPONSE');
});

test('the token budget makes a response incomplete; unsupported inputs and tools get registry errors naming where', async () => {
  const { apiKey, rolloutId } = await env.token.createRollout();
  const client = openai(env.token, apiKey);
  const cut = await client.responses.create({ model: env.engine.modelName, input: 'Tell me about numbers.', max_output_tokens: 4 });
  assert.deepEqual([cut.status, cut.incomplete_details, cut.usage?.output_tokens, (cut.output[0] as { status?: string } | undefined)?.status], ['incomplete', { reason: 'max_output_tokens' }, 4, 'incomplete']);
  const image = await rejection(client.responses.create({ model: env.engine.modelName, input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }] }] }));
  assert.deepEqual([image.status, image.code, image.param], [400, 'RC_ERR_DIALECT_UNSUPPORTED_CONTENT', 'input.0.content.1']);
  const search = await rejection(client.responses.create({ model: env.engine.modelName, input: 'Search.', tools: [{ type: 'web_search_preview' }] }));
  assert.deepEqual([search.code, search.param], ['RC_ERR_DIALECT_SERVER_TOOL', 'tools.0']);
  const reference = await rejection(client.responses.create({ model: env.engine.modelName, input: [{ type: 'item_reference', id: 'msg_1' }] }));
  assert.equal(reference.code, 'RC_ERR_DIALECT_UNSUPPORTED_FIELD');
  const background = await rejection(client.responses.create({ model: env.engine.modelName, input: 'Hi', background: true }));
  assert.equal(background.code, 'RC_ERR_DIALECT_UNSUPPORTED_FIELD');
  assert.equal((await recordedCalls(env.token, rolloutId)).length, 1, 'refused requests are not recorded');
});

test('a stream the engine breaks ends with an error event and response.failed carrying the registry code', async () => {
  const { apiKey, rolloutId } = await env.chat.createRollout();
  env.engine.setFaults({ errorEventAfterTokens: 2, times: 1 });
  const stream = await openai(env.chat, apiKey).responses.create({ model: env.engine.modelName, input: 'Tell me about numbers.', stream: true });
  const events: { type: string; code?: string | null; sequence_number: number }[] = [];
  let failed: { status?: string; error?: { code: string } | null } | null = null;
  for await (const event of stream) {
    events.push({ type: event.type, sequence_number: event.sequence_number, ...(event.type === 'error' ? { code: event.code } : {}) });
    if (event.type === 'response.failed') failed = event.response;
  }
  assert.deepEqual(events.slice(-2).map((e) => e.type), ['error', 'response.failed']);
  assert.equal(events.at(-2)?.code, 'RC_ERR_UPSTREAM_ERROR_EVENT');
  assert.deepEqual([failed?.status, failed?.error?.code], ['failed', 'RC_ERR_UPSTREAM_ERROR_EVENT']);
  assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
  const [call] = await recordedCalls(env.chat, rolloutId);
  assert.equal(call.status, 'failed');
});
