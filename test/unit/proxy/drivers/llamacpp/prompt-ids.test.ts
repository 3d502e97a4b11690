import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { llamacppDriver } from '../../../../../proxy/drivers/llamacpp/llamacpp-driver.ts';
import { completePromptIds, PREFILL_NEED } from '../../../../../proxy/drivers/llamacpp/prompt-ids.ts';
import type { RenderRequest } from '../../../../../proxy/drivers/driver-types.ts';
import { RollcallError } from '../../../../../src/errors/rollcall-error.ts';
import { fakeEngineHttp, type SentRequest } from '../../../../support/fake-engine-http.ts';
import { fixtureJson } from '../../../../support/fixtures.ts';

const PROMPT = (fixtureJson('llamacpp', 'tokenize.json') as { tokens: number[] }).tokens;
const signal = () => new AbortController().signal;
const templateRoutes = { 'POST /apply-template': { body: fixtureJson('llamacpp', 'apply-template.json') }, 'POST /tokenize': { body: fixtureJson('llamacpp', 'tokenize.json') } };
const CLOSED_TURN: RenderRequest = { messages: [{ role: 'user', content: 'Hi.' }, { role: 'assistant', content: 'Hello.' }], tools: undefined, addGenerationPrompt: false, chatTemplateKwargs: undefined };

const json = (sent: SentRequest | undefined) => sent?.json as Record<string, unknown>;

describe('llama.cpp completePromptIds', () => {
  it('renders the sent body with /apply-template and tokenizes it as llama-server does (add_special, parse_special)', async () => {
    const http = fakeEngineHttp(templateRoutes);
    const sent = { messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 16, n_probs: 1, stream: false };
    assert.deepEqual(await completePromptIds(http, sent, signal()), PROMPT);
    assert.deepEqual(http.sent.map((r) => r.path), ['/apply-template', '/tokenize']);
    assert.deepEqual(json(http.sent[0]), sent, 'the same body, so the same preprocessing');
    assert.deepEqual(json(http.sent[1]), { content: '<|im_start|>user\nSay hi<|im_end|>\n<|im_start|>assistant\n', add_special: true, parse_special: true, with_pieces: false });
  });

  it('answers null when the engine cannot rebuild the prompt (no /apply-template)', async () => {
    assert.equal(await completePromptIds(fakeEngineHttp({}), { messages: [] }, signal()), null);
  });

  it('rethrows when the call was aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const http = fakeEngineHttp({ 'POST /apply-template': () => ({ status: 500, body: 'gone' }) });
    await assert.rejects(completePromptIds(http, { messages: [] }, controller.signal));
  });
});

describe('llama.cpp rendering for token mode', () => {
  it('renders with the generation prompt and tokenizes with BOS handling like the chat path', async () => {
    const http = fakeEngineHttp(templateRoutes);
    const request: RenderRequest = { messages: [{ role: 'user', content: 'Say hi' }], tools: [{ type: 'function' }], addGenerationPrompt: true, chatTemplateKwargs: { enable_thinking: false } };
    assert.deepEqual(await llamacppDriver.token?.render(http, request, signal()), PROMPT);
    assert.deepEqual(json(http.sent[0]), { messages: request.messages, add_generation_prompt: true, tools: [{ type: 'function' }], chat_template_kwargs: { enable_thinking: false } });
  });

  it('renders a closed assistant turn when llama-server runs --no-prefill-assistant', async () => {
    const http = fakeEngineHttp({ ...templateRoutes, 'POST /apply-template': { body: fixtureJson('llamacpp', 'apply-template-closed.json') } });
    assert.deepEqual(await llamacppDriver.token?.render(http, CLOSED_TURN, signal()), PROMPT);
    assert.equal(json(http.sent[0]).add_generation_prompt, false);
  });

  it('refuses a prefilled (unclosed) assistant turn with an error naming --no-prefill-assistant', async () => {
    const http = fakeEngineHttp({ ...templateRoutes, 'POST /apply-template': { body: fixtureJson('llamacpp', 'apply-template-prefill.json') } });
    await assert.rejects(Promise.resolve(llamacppDriver.token?.render(http, CLOSED_TURN, signal())), (error: unknown) => {
      assert.ok(error instanceof RollcallError);
      assert.equal(error.code, 'RC_ERR_ENGINE_CAPABILITY');
      assert.equal(error.params.need, PREFILL_NEED);
      assert.match(error.message, /--no-prefill-assistant/);
      return true;
    });
    assert.equal(http.sent.some((r) => r.path === '/tokenize'), false, 'nothing is tokenized from a wrong render');
  });

  it('turns the refusal of a prefill with thinking on into the same error', async () => {
    const refusal = { status: 400, body: { error: { code: 400, message: 'Assistant response prefill is incompatible with enable_thinking.', type: 'invalid_request_error' } } };
    const http = fakeEngineHttp({ ...templateRoutes, 'POST /apply-template': refusal });
    await assert.rejects(Promise.resolve(llamacppDriver.token?.render(http, CLOSED_TURN, signal())), /--no-prefill-assistant/);
  });

  it('tokenizes plain text without special tokens added', async () => {
    const http = fakeEngineHttp({ 'POST /tokenize': { body: { tokens: [13048] } } });
    assert.deepEqual(await llamacppDriver.token?.tokenizeText(http, 'Hi', signal()), [13048]);
    assert.deepEqual(json(http.sent[0]), { content: 'Hi', add_special: false, parse_special: true, with_pieces: false });
  });
});
