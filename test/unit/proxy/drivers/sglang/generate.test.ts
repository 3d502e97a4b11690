import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUntrainableReason, type CallCapture } from '../../../../../proxy/capture/call-capture.ts';
import type { Generation, GenerateRequest } from '../../../../../proxy/drivers/driver-types.ts';
import { buildGenerateBody } from '../../../../../proxy/drivers/sglang/generate-request.ts';
import { mapFinishReason, readGenerate } from '../../../../../proxy/drivers/sglang/generate-response.ts';
import { readEngineErrorMessage } from '../../../../../proxy/upstream/map-upstream-error.ts';
import { fixtureJson, fixtureText } from '../../../../support/fixtures.ts';
import { tokenCapture } from '../../../../../proxy/strategies/token-mode/token-capture.ts';
import { generateRequest } from '../../../../support/generate-request.ts';

const PROMPT = [151644, 872, 198, 45764, 15588, 151645, 198, 151644, 77091, 198, 151667, 271, 151668, 271];

const request = (extra: Partial<GenerateRequest> = {}): GenerateRequest => generateRequest(PROMPT, { maxTokens: 16, ...extra });

const asCapture = (generation: Generation): CallCapture => tokenCapture(PROMPT, generation, null);

describe('SGLang /generate request', () => {
  it('sends the prompt ids verbatim and every sampling parameter explicitly', () => {
    const body = buildGenerateBody(request({ temperature: 0.7, seed: 3, stop: ['</answer>'], n: 2 }));
    assert.deepEqual(body.input_ids, PROMPT);
    assert.deepEqual(body.sampling_params, {
      repetition_penalty: 1, frequency_penalty: 0, presence_penalty: 0, min_new_tokens: 0, ignore_eos: false,
      max_new_tokens: 16, temperature: 0.7, top_p: 1, top_k: -1, min_p: 0, sampling_seed: 3, stop: ['</answer>'], n: 2,
    });
    assert.equal(body.return_logprob, true);
    assert.equal(body.logprob_start_len, -1, 'logprobs of the generated tokens only');
    assert.equal(body.stream, false);
  });

  it('always sends the budget as max_new_tokens (absent would mean 128)', () => {
    const sampling = buildGenerateBody(request({ maxTokens: 3000 })).sampling_params as Record<string, unknown>;
    assert.equal(sampling.max_new_tokens, 3000);
    assert.equal('sampling_seed' in sampling, false);
  });
});

describe('SGLang /generate answer', () => {
  it('reads ids, logprob triples, finish and usage from one sequence', () => {
    const generation = readGenerate(fixtureJson('sglang', 'generate-nonstream.json'));
    assert.equal(generation.promptIds, null);
    assert.deepEqual(generation.choices, [{
      index: 0, completionIds: [13048, 0, 151645], logprobs: [-0.0213, -0.3105, -0.0004], tokens: ['Hi', '!', '<|im_end|>'],
      text: 'Hi!', finishReason: 'stop', stopReason: null,
    }]);
    assert.deepEqual(generation.usage, { promptTokens: 14, completionTokens: 3, totalTokens: 17 });
    assert.equal(findUntrainableReason(asCapture(generation)), null);
  });

  it('reads the JSON array of n > 1 as choices, counting the prompt once', () => {
    const generation = readGenerate(fixtureJson('sglang', 'generate-n2.json'));
    assert.deepEqual(generation.choices.map((c) => [c.index, c.text, c.completionIds]), [[0, 'Hi!', [13048, 0, 151645]], [1, 'Hello.', [9707, 13, 151645]]]);
    assert.deepEqual(generation.usage, { promptTokens: 14, completionTokens: 6, totalTokens: 20 });
    assert.equal(findUntrainableReason(asCapture(generation)), null);
  });

  it('maps finish_reason objects to OpenAI finish reasons', () => {
    assert.deepEqual(mapFinishReason({ type: 'stop', matched: 151645 }), { finishReason: 'stop', stopReason: null });
    assert.deepEqual(mapFinishReason({ type: 'stop', matched: '</answer>' }), { finishReason: 'stop', stopReason: '</answer>' });
    assert.deepEqual(mapFinishReason({ type: 'length', length: 16 }), { finishReason: 'length', stopReason: null });
    assert.deepEqual(mapFinishReason({ type: 'abort', message: 'Abort before prefill' }), { finishReason: 'abort', stopReason: null });
    assert.deepEqual(mapFinishReason(null), { finishReason: null, stopReason: null });
    const stopped = readGenerate(fixtureJson('sglang', 'generate-stop-string.json')).choices[0];
    assert.deepEqual([stopped?.finishReason, stopped?.stopReason, stopped?.completionIds], ['stop', '!', [13048, 0]]);
    assert.equal(readGenerate(fixtureJson('sglang', 'generate-length.json')).choices[0]?.finishReason, 'length');
  });

  it('takes the EOS from the triples when a build leaves it out of output_ids', () => {
    const generation = readGenerate(fixtureJson('sglang', 'generate-eos-trimmed.json'));
    assert.deepEqual(generation.choices[0]?.completionIds, [13048, 0, 151645]);
    assert.equal(findUntrainableReason(asCapture(generation)), null);
  });

  it('keeps no logprobs when output_ids and the triples name other tokens', () => {
    const generation = readGenerate(fixtureJson('sglang', 'generate-ids-disagree.json'));
    assert.deepEqual(generation.choices[0]?.logprobs, []);
    assert.equal(findUntrainableReason(asCapture(generation)), 'choice 0 has 3 token ids but 0 logprobs');
  });

  it("reads the native route's nested error envelope", () => {
    assert.equal(readEngineErrorMessage(fixtureText('sglang', 'error-generate.json')), "The input (40961 tokens) is longer than the model's context length (40960 tokens).");
  });
});
