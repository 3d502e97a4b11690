import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUntrainableReason, type CallCapture } from '../../../../../proxy/capture/call-capture.ts';
import { captureLlamacppChat } from '../../../../../proxy/drivers/llamacpp/chat-capture.ts';
import { llamacppChat } from '../../../../../proxy/drivers/llamacpp/llamacpp-driver.ts';
import { engineStatusError, readEngineErrorMessage } from '../../../../../proxy/upstream/map-upstream-error.ts';
import { cloneJson, fixtureJson, fixturePayloads, fixtureText } from '../../../../support/fixtures.ts';

const PROMPT = (fixtureJson('llamacpp', 'tokenize.json') as { tokens: number[] }).tokens;

/** What the core does once `completePromptIds` answered. */
const withPrompt = (capture: CallCapture): CallCapture => ({ ...capture, promptIds: PROMPT });

function captureStream(name: string): CallCapture {
  const capture = llamacppChat.newStreamCapture();
  for (const payload of fixturePayloads('llamacpp', name)) capture.push(payload);
  return capture.result();
}

describe('llama.cpp unary chat capture', () => {
  it('takes the completion ids from logprobs.content[i].id and leaves prompt ids to completePromptIds', () => {
    const capture = captureLlamacppChat(fixtureJson('llamacpp', 'chat-nonstream.json'));
    assert.equal(capture.promptIds, null);
    assert.deepEqual(capture.choices, [{ index: 0, completionIds: [13048, 0, 151645], logprobs: [-0.0213, -0.3105, -0.0004], finishReason: 'stop' }]);
    assert.deepEqual(capture.usage, { promptTokens: 10, completionTokens: 3, totalTokens: 13 });
    assert.equal(findUntrainableReason(capture), 'the engine returned no prompt token ids');
    assert.equal(findUntrainableReason(withPrompt(capture)), null);
  });

  it('takes no ids from logprob entries that lack them', () => {
    const body = cloneJson(fixtureJson('llamacpp', 'chat-nonstream.json')) as { choices: { logprobs: { content: Record<string, unknown>[] } }[] };
    delete body.choices[0]?.logprobs.content[1]?.id;
    const capture = withPrompt(captureLlamacppChat(body));
    assert.deepEqual(capture.choices[0]?.completionIds, []);
    assert.equal(findUntrainableReason(capture), 'choice 0 has no completion token ids');
  });

  it('refuses a prompt-id count that disagrees with usage.prompt_tokens', () => {
    const capture = { ...captureLlamacppChat(fixtureJson('llamacpp', 'chat-nonstream.json')), promptIds: PROMPT.slice(1) };
    assert.equal(findUntrainableReason(capture), 'usage.prompt_tokens is 10 but 9 prompt ids were returned');
  });

  it('reads the error envelope, exceed_context_size_error included, as a 4xx', () => {
    const text = fixtureText('llamacpp', 'error-context.json');
    assert.equal(readEngineErrorMessage(text), 'request (41000 tokens) exceeds the available context size (40960 tokens), try increasing it');
    assert.equal(engineStatusError(400, text).code, 'RC_ERR_UPSTREAM_REJECTED');
  });
});

describe('llama.cpp streamed chat capture', () => {
  it('collects the ids of the logprob entries riding on the chunks', () => {
    const capture = captureStream('chat-stream.sse');
    assert.deepEqual(capture.choices, [{ index: 0, completionIds: [13048, 0, 2585], logprobs: [-0.0213, -0.3105, -2.3071], finishReason: 'length' }]);
    assert.deepEqual(capture.usage, { promptTokens: 10, completionTokens: 3, totalTokens: 13 });
    assert.equal(findUntrainableReason(withPrompt(capture)), null);
  });

  it('records a stream that lost the EOS step (no delta, no chunk) as untrainable, with the counts', () => {
    const capture = withPrompt(captureStream('chat-stream-eos.sse'));
    assert.deepEqual(capture.choices[0]?.completionIds, [13048, 0]);
    assert.equal(findUntrainableReason(capture), 'usage.completion_tokens is 3 but the choices hold 2 token ids');
  });
});
