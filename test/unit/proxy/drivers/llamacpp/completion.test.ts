import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUntrainableReason, type CallCapture } from '../../../../../proxy/capture/call-capture.ts';
import type { Generation, GenerateRequest } from '../../../../../proxy/drivers/driver-types.ts';
import { buildCompletionBody } from '../../../../../proxy/drivers/llamacpp/completion-request.ts';
import { newCompletionStream, readCompletion } from '../../../../../proxy/drivers/llamacpp/completion.ts';
import { cloneJson, fixtureEvents, fixtureJson, fixturePayloads } from '../../../../support/fixtures.ts';
import { tokenCapture } from '../../../../../proxy/strategies/token-mode/token-capture.ts';
import { generateRequest } from '../../../../support/generate-request.ts';

const PROMPT = (fixtureJson('llamacpp', 'tokenize.json') as { tokens: number[] }).tokens;
const request = (extra: Partial<GenerateRequest> = {}): GenerateRequest => generateRequest(PROMPT, extra);
const asCapture = (generation: Generation): CallCapture => tokenCapture(PROMPT, generation, null);

describe('llama.cpp /completion request', () => {
  it('sends the ids verbatim, every sampler explicitly, and asks for ids and raw logprobs', () => {
    const body = buildCompletionBody(request({ maxTokens: 16, temperature: 0.7, seed: 5, stop: ['</answer>'] }));
    assert.deepEqual(body, {
      prompt: PROMPT, typical_p: 1, repeat_penalty: 1, presence_penalty: 0, frequency_penalty: 0, dry_multiplier: 0, xtc_probability: 0, top_n_sigma: -1, mirostat: 0,
      post_sampling_probs: false, n_predict: 16, temperature: 0.7, top_p: 1, top_k: 0, min_p: 0, seed: 5, stop: ['</answer>'], n_probs: 1, return_tokens: true, stream: false,
    });
  });

  it('always sends the budget as n_predict (never the server default), and names n only above 1', () => {
    const body = buildCompletionBody(request({ n: 2, stream: true, maxTokens: 3000 }));
    assert.equal(body.n_predict, 3000);
    assert.equal(body.n, 2);
    assert.equal(body.stream, true);
    assert.equal('n' in buildCompletionBody(request()), false);
    assert.equal('stop' in buildCompletionBody(request()), false);
  });
});

describe('llama.cpp /completion answer', () => {
  it('reads tokens, probabilities, stop type and counts', () => {
    const generation = readCompletion(fixtureJson('llamacpp', 'completion-nonstream.json'));
    assert.deepEqual(generation.choices, [{
      index: 0, completionIds: [13048, 0, 151645], logprobs: [-0.0213, -0.3105, -0.0004], tokens: ['Hi', '!', ''], text: 'Hi!', finishReason: 'stop', stopReason: null,
    }]);
    assert.deepEqual(generation.usage, { promptTokens: 10, completionTokens: 3, totalTokens: 13 });
    assert.equal(findUntrainableReason(asCapture(generation)), null);
  });

  it('maps stop_type: word keeps the stopping word; limit is length', () => {
    const word = readCompletion(fixtureJson('llamacpp', 'completion-stop-word.json')).choices[0];
    assert.deepEqual([word?.finishReason, word?.stopReason], ['stop', '\n\n']);
    assert.equal(readCompletion(fixtureJson('llamacpp', 'completion-length.json')).choices[0]?.finishReason, 'length');
  });

  it('records a stop-word finish untrainable: llama.cpp trims the word from the probabilities', () => {
    const generation = readCompletion(fixtureJson('llamacpp', 'completion-stop-word.json'));
    assert.deepEqual(generation.choices[0]?.completionIds, [13048, 0, 271]);
    assert.equal(findUntrainableReason(asCapture(generation)), 'choice 0 has 3 token ids but 2 logprobs');
  });

  it('reads the array answered for n > 1 by index', () => {
    const second = cloneJson(fixtureJson('llamacpp', 'completion-length.json')) as Record<string, unknown>;
    second.index = 1;
    const generation = readCompletion([fixtureJson('llamacpp', 'completion-nonstream.json'), second]);
    assert.deepEqual(generation.choices.map((c) => [c.index, c.finishReason]), [[0, 'stop'], [1, 'length']]);
    assert.deepEqual(generation.usage, { promptTokens: 10, completionTokens: 6, totalTokens: 16 });
  });
});

describe('llama.cpp streamed /completion', () => {
  it('ends without [DONE] (native streams stop at the stop: true event)', () => {
    assert.equal(fixtureEvents('llamacpp', 'completion-stream.sse').some((e) => e.data === '[DONE]'), false);
  });

  it('turns each event into the token it adds; the result equals the unary answer', () => {
    const stream = newCompletionStream();
    const deltas = fixturePayloads('llamacpp', 'completion-stream.sse').flatMap((payload) => stream.push(payload));
    assert.deepEqual(deltas.map((d) => [d.text, d.completionIds, d.logprobs, d.finishReason]), [
      ['Hi', [13048], [-0.0213], null], ['!', [0], [-0.3105], null], ['', [151645], [-0.0004], null], ['', [], [], 'stop'],
    ]);
    assert.deepEqual(stream.result(), readCompletion(fixtureJson('llamacpp', 'completion-nonstream.json')));
  });

  it('keeps no values after an event whose token has no probability entry', () => {
    const stream = newCompletionStream();
    const payloads = fixturePayloads('llamacpp', 'completion-stream.sse') as Record<string, unknown>[];
    payloads.forEach((payload, i) => stream.push(i === 1 ? { ...payload, completion_probabilities: [] } : payload));
    const generation = stream.result();
    assert.deepEqual(generation.choices[0]?.logprobs, [-0.0213]);
    assert.equal(findUntrainableReason(asCapture(generation)), 'choice 0 has 3 token ids but 1 logprobs');
  });

  it('has no usage when the final event never came', () => {
    const stream = newCompletionStream();
    for (const payload of fixturePayloads('llamacpp', 'completion-stream.sse').slice(0, 2)) stream.push(payload);
    assert.equal(stream.result().usage, null);
  });
});
