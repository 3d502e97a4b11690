import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSamples, sampleOptionsOf } from '../../../../src/trajectory/index.ts';
import type { SampleCall } from '../../../../src/trajectory/index.ts';

test("the trainer's samples section maps to the builder's caps by name", () => {
  assert.deepEqual(sampleOptionsOf({ sharedPrefix: 'train-each', maxSamplesPerRollout: 2, maxPromptTokens: 10, maxTotalTokens: 20, maxResponseTokens: 5 }), {
    sharedPrefix: 'train-each', maxSamples: 2, maxPromptTokens: 10, maxTotalTokens: 20, maxResponseTokens: 5,
  });
  assert.deepEqual(sampleOptionsOf({}), {});
});

test('a cap given in the section changes the samples the builder makes', () => {
  const calls: SampleCall[] = [{ callId: 1, seq: 1, status: 'completed', trainable: true, promptIds: [1, 2, 3], policyVersion: 0, extendsCallId: null, choices: [{ index: 0, completionIds: [4, 5, 6, 7], logprobs: [-1, -1, -1, -1], finishReason: 'stop' }] }];
  const [sample] = buildSamples(calls, sampleOptionsOf({ maxTotalTokens: 5 })).samples;
  assert.equal(sample?.tokens.length, 5);
  assert.equal(sample?.truncated, true);
});
