import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUntrainableReason, storableIds, tokensSpent, unfinishedChoice, type CallCapture } from '../../../../proxy/capture/call-capture.ts';

const capture = (completionIds: unknown[], extra: Partial<CallCapture> = {}): CallCapture => ({
  promptIds: [1, 2, 3],
  choices: [{ index: 0, completionIds: completionIds as number[], logprobs: completionIds.map(() => -0.5), finishReason: 'stop' }],
  usage: { promptTokens: 3, completionTokens: completionIds.length, totalTokens: 3 + completionIds.length },
  response: null,
  ...extra,
});

describe('the invariants of a trainable call', () => {
  it('holds for integer ids within the vocabulary, ids = logprobs = usage', () => {
    assert.equal(findUntrainableReason(capture([7, 8, 9])), null);
    assert.equal(findUntrainableReason(capture([7, 8, 9]), 10), null);
  });

  for (const [bad, shown] of [
    [-1.5, '-1.5'],
    ['abc', '"abc"'],
    [-1, '-1'],
    [2 ** 31, '2147483648'],
    [null, 'null'],
    [Number.NaN, 'null'],
  ] as const) {
    it(`refuses a completion id of ${String(bad)}, naming it`, () => {
      assert.equal(findUntrainableReason(capture([7, bad, 9])), `choice 0 token id 1 is ${shown}, not an integer in [0, 2147483648)`);
    });
  }

  it('refuses ids at or above the vocabulary size the engine reported', () => {
    assert.match(findUntrainableReason(capture([7, 10]), 10) ?? '', /token id 1 is 10, not an integer in \[0, 10\)/);
    assert.match(findUntrainableReason(capture([7], { promptIds: [1, 99, 3] }), 10) ?? '', /^prompt token id 1 is 99/);
  });

  it('refuses a choice without a finish reason, or aborted by the engine', () => {
    const unfinished = capture([7], { choices: [{ index: 0, completionIds: [7], logprobs: [-1], finishReason: null }] });
    assert.equal(findUntrainableReason(unfinished), 'choice 0 ended without a finish reason');
    assert.equal(unfinishedChoice({ choices: [{ index: 2, completionIds: [], logprobs: [], finishReason: 'abort' }] }), 'choice 2 finished with "abort": the engine aborted it');
  });

  it('refuses a logprob that is not a finite number', () => {
    const bad = capture([7, 8], { choices: [{ index: 0, completionIds: [7, 8], logprobs: [-1, 'abc' as unknown as number], finishReason: 'stop' }] });
    assert.equal(findUntrainableReason(bad), 'choice 0 has a logprob that is not a finite number');
  });

  it('stores only what an int32 blob can hold faithfully', () => {
    assert.deepEqual(storableIds([1, -1, 2]), [1, -1, 2]);
    assert.deepEqual(storableIds([1, -1.5, 2]), []);
    assert.deepEqual(storableIds([1, 'abc', 2]), []);
    assert.deepEqual(storableIds([2 ** 31]), []);
  });

  it('counts the tokens a call spent from usage, or from what was captured', () => {
    assert.equal(tokensSpent(capture([7, 8])), 5);
    assert.equal(tokensSpent(capture([7, 8], { usage: null })), 5);
  });
});
