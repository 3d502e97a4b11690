import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GenerationDelta, GenerationStream } from '../../../../../proxy/drivers/driver-types.ts';
import { readGenerate } from '../../../../../proxy/drivers/sglang/generate-response.ts';
import { newGenerateStream } from '../../../../../proxy/drivers/sglang/generate-stream.ts';
import { createSglangDriver } from '../../../../../proxy/drivers/sglang/sglang-driver.ts';
import { fixtureJson, fixturePayloads } from '../../../../support/fixtures.ts';

function run(name: string, stream: GenerationStream = newGenerateStream()): { deltas: GenerationDelta[]; stream: GenerationStream } {
  const deltas = fixturePayloads('sglang', name).flatMap((payload) => stream.push(payload));
  return { deltas, stream };
}

const INCREMENTAL_RESULT = {
  index: 0, completionIds: [198, 198, 13048, 151645], logprobs: [-0.441, -0.912, -0.0198, -0.0007],
  tokens: ['\n', '\n', 'Hi', '<|im_end|>'], text: '\n\nHi', finishReason: 'stop', stopReason: null,
};

describe('SGLang streamed /generate', () => {
  it('turns cumulative events (the default) into deltas; the result equals the unary answer', () => {
    const { deltas, stream } = run('generate-stream-cumulative.sse');
    assert.deepEqual(deltas.map((d) => [d.text, d.completionIds, d.logprobs]), [['Hi', [13048], [-0.0213]], ['!', [0], [-0.3105]], ['', [151645], [-0.0004]]]);
    assert.deepEqual(deltas.at(-1)?.finishReason, 'stop');
    assert.deepEqual(stream.result(), readGenerate(fixtureJson('sglang', 'generate-nonstream.json')));
  });

  it('reads incremental events by completion_tokens, even when a delta starts with the ids seen so far', () => {
    const { deltas, stream } = run('generate-stream-incremental.sse');
    assert.deepEqual(deltas.map((d) => d.completionIds), [[198], [198, 13048], [151645]], 'a prefix test alone would read [198, 13048] as cumulative');
    assert.deepEqual(deltas.map((d) => d.text), ['\n', '\nHi', '']);
    assert.deepEqual(stream.result().choices, [INCREMENTAL_RESULT]);
    assert.deepEqual(stream.result().usage, { promptTokens: 14, completionTokens: 4, totalTokens: 18 });
  });

  it("reads each field on its own: 2025's --stream-output sent incremental ids with cumulative text and logprobs", () => {
    const { deltas, stream } = run('generate-stream-2025-stream-output.sse');
    assert.deepEqual(deltas.map((d) => d.text), ['\n', '\nHi', '']);
    assert.deepEqual(deltas.map((d) => d.logprobs.length), [1, 2, 1]);
    assert.deepEqual(stream.result().choices, [INCREMENTAL_RESULT]);
  });

  it('keeps the sequences of n > 1 apart by their index', () => {
    const { deltas, stream } = run('generate-stream-n2.sse');
    assert.deepEqual(deltas.map((d) => d.index), [0, 1, 1, 0, 0, 1]);
    assert.deepEqual(stream.result(), readGenerate(fixtureJson('sglang', 'generate-n2.json')));
  });

  it('can be told the stream shape instead of reading it', () => {
    const forced = createSglangDriver({ renderer: null, streamOutput: 'incremental' }).token?.newGenerationStream();
    assert.ok(forced !== undefined);
    assert.deepEqual(run('generate-stream-incremental.sse', forced).stream.result().choices, [INCREMENTAL_RESULT]);
    const cumulative = createSglangDriver({ renderer: null, streamOutput: 'cumulative' }).token?.newGenerationStream();
    assert.ok(cumulative !== undefined);
    assert.deepEqual(run('generate-stream-cumulative.sse', cumulative).stream.result(), readGenerate(fixtureJson('sglang', 'generate-nonstream.json')));
  });
});
