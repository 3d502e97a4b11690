import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUntrainableReason } from '../../../../../proxy/capture/call-capture.ts';
import { captureSglangChat } from '../../../../../proxy/drivers/sglang/chat-capture.ts';
import { engineStatusError, readEngineErrorMessage } from '../../../../../proxy/upstream/map-upstream-error.ts';
import { cloneJson, fixtureJson, fixtureText } from '../../../../support/fixtures.ts';

const PROMPT = [151644, 872, 198, 45764, 15588, 151645, 198, 151644, 77091, 198, 151667, 271, 151668, 271];
type Choice = Record<string, unknown>;
const firstChoice = (body: unknown): Choice => ((body as { choices: Choice[] }).choices[0] as Choice);

describe('SGLang unary chat capture', () => {
  it('reads per-choice prompt_token_ids and response_token_ids, logprob values and usage', () => {
    const capture = captureSglangChat(fixtureJson('sglang', 'chat-nonstream.json'));
    assert.deepEqual(capture.promptIds, PROMPT);
    assert.deepEqual(capture.choices, [{ index: 0, completionIds: [13048, 0, 151645], logprobs: [-0.0213, -0.3105, -0.0004], finishReason: 'stop', stopReason: null }]);
    assert.deepEqual(capture.usage, { promptTokens: 14, completionTokens: 3, totalTokens: 17 });
    assert.equal(findUntrainableReason(capture), null);
  });

  it('accepts the generated ids under token_ids too (the name in sgl-project/sglang#30917)', () => {
    const body = cloneJson(fixtureJson('sglang', 'chat-nonstream.json'));
    const choice = firstChoice(body);
    choice.token_ids = choice.response_token_ids;
    delete choice.response_token_ids;
    assert.deepEqual(captureSglangChat(body).choices[0]?.completionIds, [13048, 0, 151645]);
  });

  it('reads the response-level sglext ids when the per-choice ones are absent', () => {
    const capture = captureSglangChat(fixtureJson('sglang', 'chat-nonstream-sglext.json'));
    assert.deepEqual(capture.promptIds, PROMPT);
    assert.deepEqual(capture.choices[0]?.completionIds, [13048, 0, 151645]);
    assert.equal(findUntrainableReason(capture), null);
  });

  it('keeps a matched stop string as the stop reason; a matched token id is the EOS (null)', () => {
    const body = cloneJson(fixtureJson('sglang', 'chat-nonstream.json'));
    firstChoice(body).matched_stop = '!';
    assert.equal(captureSglangChat(body).choices[0]?.stopReason, '!');
  });

  it('leaves promptIds null without ids, so the call is recorded untrainable', () => {
    const body = cloneJson(fixtureJson('sglang', 'chat-nonstream.json'));
    delete firstChoice(body).prompt_token_ids;
    delete firstChoice(body).response_token_ids;
    const capture = captureSglangChat(body);
    assert.equal(capture.promptIds, null);
    assert.equal(findUntrainableReason(capture), 'the engine returned no prompt token ids');
    assert.equal(capture.response !== null, true, 'the answer is still recorded');
  });

  it('refuses counts that disagree with usage', () => {
    const body = cloneJson(fixtureJson('sglang', 'chat-nonstream.json')) as { usage: { completion_tokens: number } };
    body.usage.completion_tokens = 4;
    assert.match(findUntrainableReason(captureSglangChat(body)) ?? '', /usage.completion_tokens is 4 but the choices hold 3/);
  });

  it("reads the OpenAI routes' flat error envelope as a 4xx with SGLang's message", () => {
    const text = fixtureText('sglang', 'error-chat-flat.json');
    assert.match(readEngineErrorMessage(text), /^Requested token count exceeds the model's maximum context length of 40960 tokens/);
    const error = engineStatusError(400, text);
    assert.equal(error.code, 'RC_ERR_UPSTREAM_REJECTED');
    assert.equal(error.status, 400);
  });
});
