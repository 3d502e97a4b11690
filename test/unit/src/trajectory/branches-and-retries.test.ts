import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSamples } from '../../../../src/trajectory/build-samples.ts';
import {
  EOS,
  FakeRollout,
  TOKEN,
  assertSound,
  choice,
  completionPositions,
  openingPrompt,
  toolCallTurn,
  toolResult,
  trainedPositions,
} from './rollout-fixture.ts';

const appended = (k: number): number[] => [TOKEN.newline, ...toolResult(k)];

test('n > 1: each choice is a branch, the continued one merges, the others are their own samples', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [0, 1, 2].map((i) => choice([500 + i, 510 + i, EOS], 'stop', i)) });
  // The proxy names the call but not the choice: the tokens decide which branch continued.
  const t2 = rollout.continue(t1, appended(0), choice(toolCallTurn(1)), {}, 1);

  const result = buildSamples(rollout.calls);
  assert.deepEqual(result.stats.driftEvents, []);
  assert.deepEqual(result.samples.map((s) => [s.sampleId, s.callIds, s.choices]), [
    [`${t1.callId}.0`, [t1.callId], [0]],
    [`${t2.callId}.0`, [t1.callId, t2.callId], [1, 0]],
    [`${t1.callId}.2`, [t1.callId], [2]],
  ]);
  for (const sample of result.samples) assert.equal(sample.promptLength, t1.promptIds.length);
  assertSound(result, rollout.calls);
});

test('a turn shared by two branches is trained once by default, in each with train-each', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [choice(toolCallTurn(0))] });
  const t2 = rollout.continue(t1, appended(0), [choice([520, EOS], 'stop', 0), choice([521, EOS], 'stop', 1)]);
  const t3 = rollout.continue(t2, appended(1), choice(toolCallTurn(2)), { extendsChoice: 1 }, 1);

  const once = buildSamples(rollout.calls);
  assert.deepEqual(once.samples.map((s) => s.callIds), [[t1.callId, t2.callId], [t1.callId, t2.callId, t3.callId]]);
  const [first, second] = once.samples;
  assert.deepEqual(trainedPositions(first!.lossMask), [...completionPositions(t1), ...completionPositions(t2, 0)]);
  assert.deepEqual(trainedPositions(second!.lossMask), [...completionPositions(t2, 1), ...completionPositions(t3)]);
  assertSound(once, rollout.calls);

  const each = buildSamples(rollout.calls, { sharedPrefix: 'train-each' });
  assert.deepEqual(trainedPositions(each.samples[1]!.lossMask), [...completionPositions(t1), ...completionPositions(t2, 1), ...completionPositions(t3)]);
});

test('a later call extends the longest matching sequence, even one it was not linked to', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [choice(toolCallTurn(0))] });
  const t2 = rollout.continue(t1, appended(0), choice(toolCallTurn(1)));
  // A chat pass-through call the proxy could not link, yet token-exact: it merges.
  const t3 = rollout.continue(t2, appended(1), choice(toolCallTurn(2)), { extendsCallId: null });
  const result = buildSamples(rollout.calls);
  assert.deepEqual(result.samples.map((s) => s.callIds), [[t1.callId, t2.callId, t3.callId]]);
});

test('a retried call is de-duplicated: the attempt the agent continued is kept', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [choice(toolCallTurn(0))] });
  const first = rollout.continue(t1, appended(0), choice([530, EOS]));
  rollout.continue(t1, appended(0), choice([531, EOS]));
  const t3 = rollout.continue(first, appended(1), choice(toolCallTurn(2)));

  const result = buildSamples(rollout.calls);
  assert.equal(result.stats.deduplicated, 1);
  assert.deepEqual(result.samples.map((s) => s.callIds), [[t1.callId, first.callId, t3.callId]]);
  assert.equal(result.stats.merges, 2);
  assertSound(result, rollout.calls);
});

test('retries nobody continued: the last attempt is kept', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [choice(toolCallTurn(0))] });
  rollout.continue(t1, appended(0), choice([540, EOS]));
  rollout.continue(t1, appended(0), choice([], 'length'));
  const last = rollout.continue(t1, appended(0), choice([541, EOS]));
  const result = buildSamples(rollout.calls);
  assert.equal(result.stats.deduplicated, 2);
  assert.deepEqual(result.samples.map((s) => s.callIds), [[t1.callId, last.callId]]);
});

test('identical retries (greedy decoding): the one the proxy linked is continued, the other dropped', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [choice(toolCallTurn(0))] });
  const a = rollout.continue(t1, appended(0), choice([550, EOS]));
  rollout.continue(t1, appended(0), choice([550, EOS]));
  const t3 = rollout.continue(a, appended(1), choice(toolCallTurn(2)));
  const result = buildSamples(rollout.calls);
  assert.equal(result.stats.deduplicated, 1);
  assert.deepEqual(result.samples.map((s) => s.callIds), [[t1.callId, a.callId, t3.callId]]);
});

test('two identical prompts that both were continued are branches, not retries', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [choice(toolCallTurn(0))] });
  const a = rollout.continue(t1, appended(0), choice([560, EOS]));
  const b = rollout.continue(t1, appended(0), choice([561, EOS]));
  const a2 = rollout.continue(a, appended(1), choice([562, EOS]));
  const b2 = rollout.continue(b, appended(1), choice([563, EOS]));
  const result = buildSamples(rollout.calls);
  assert.equal(result.stats.deduplicated, 0);
  assert.deepEqual(result.samples.map((s) => s.callIds), [[t1.callId, a.callId, a2.callId], [t1.callId, b.callId, b2.callId]]);
});

test('the EOS a template adds after a length-truncated turn is context: mask 0, logprob 0', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [choice([570, 571, 572], 'length')] });
  const t2 = rollout.add({
    promptIds: [...t1.promptIds, 570, 571, 572, EOS, ...appended(0), TOKEN.start, TOKEN.assistant],
    choices: [choice(toolCallTurn(1))],
    extendsCallId: t1.callId,
  });
  const result = buildSamples(rollout.calls);
  assert.equal(result.stats.syntheticEos, 1);
  const sample = result.samples[0]!;
  const eosAt = t1.promptIds.length + 3;
  assert.equal(sample.tokens[eosAt], EOS);
  assert.equal(sample.lossMask[eosAt], 0);
  assert.equal(sample.logprobs[eosAt], 0);
  // The truncated turn's sampled tokens are still trained.
  assert.deepEqual(trainedPositions(sample.lossMask), [...completionPositions(t1), ...completionPositions(t2)]);
  assertSound(result, rollout.calls);
});

test('an EOS the model generated is trained and is not counted as synthetic', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [choice(toolCallTurn(0))] });
  rollout.continue(t1, appended(0), choice(toolCallTurn(1)));
  const result = buildSamples(rollout.calls);
  assert.equal(result.stats.syntheticEos, 0);
  const eosAt = t1.promptIds.length + toolCallTurn(0).length - 1;
  assert.equal(result.samples[0]!.tokens[eosAt], EOS);
  assert.equal(result.samples[0]!.lossMask[eosAt], 1);
});
