import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RollcallError } from '../../../../src/errors/rollcall-error.ts';
import { buildSamples } from '../../../../src/trajectory/build-samples.ts';
import type { SampleOptions } from '../../../../src/trajectory/sample-types.ts';
import {
  EOS,
  FakeRollout,
  TOKEN,
  assertSound,
  choice,
  completionPositions,
  openingPrompt,
  sequenceOf,
  toolCallTurn,
  toolLoop,
  toolResult,
} from './rollout-fixture.ts';

/** Three independent contexts (e.g. a planner and two sub-agents) of 1, 3 and 2 turns. */
function threeContexts(): { rollout: FakeRollout; roots: number[] } {
  const rollout = new FakeRollout();
  const a = toolLoop(rollout, 1, openingPrompt([101]));
  const b = toolLoop(rollout, 3, openingPrompt([102]));
  const c = toolLoop(rollout, 2, openingPrompt([103]));
  return { rollout, roots: [a[0]!.callId, b[0]!.callId, c[0]!.callId] };
}

test('maxSamples keeps the first samples in tree order and counts the rest', () => {
  const { rollout, roots } = threeContexts();
  const result = buildSamples(rollout.calls, { maxSamples: 2 });
  assert.deepEqual(result.samples.map((s) => s.sampleId), [String(roots[0]), String(roots[1])]);
  assert.equal(result.stats.droppedByCaps, 1);
  assert.equal(buildSamples(rollout.calls, { maxSamples: 3 }).stats.droppedByCaps, 0);
});

test('maxPromptTokens drops a sample whose tokens before the first trained token exceed it', () => {
  const rollout = new FakeRollout();
  const short = rollout.add({ promptIds: openingPrompt([101]), choices: [choice(toolCallTurn(0))] });
  const long = rollout.add({ promptIds: openingPrompt([102, 103, 104, 105, 106]), choices: [choice(toolCallTurn(0))] });
  const result = buildSamples(rollout.calls, { maxPromptTokens: short.promptIds.length });
  assert.deepEqual(result.samples.map((s) => s.callIds), [[short.callId]]);
  assert.equal(result.stats.droppedByCaps, 1);
  assert.ok(long.promptIds.length > short.promptIds.length);
});

test('maxPromptTokens counts an untrainable first turn as prompt', () => {
  const rollout = new FakeRollout();
  const [t1] = toolLoop(rollout, 2);
  t1!.trainable = false;
  const limit = t1!.promptIds.length + 1;
  const result = buildSamples(rollout.calls, { maxPromptTokens: limit });
  assert.equal(result.samples.length, 0);
  assert.equal(result.stats.droppedByCaps, 1);
});

test('maxTotalTokens cuts a longer sample from the end and flags it; shorter ones are untouched', () => {
  const { rollout } = threeContexts();
  const lengths = buildSamples(rollout.calls).samples.map((s) => s.tokens.length);
  const cap = lengths[0]! + 3;
  const result = buildSamples(rollout.calls, { maxTotalTokens: cap });
  assert.deepEqual(result.samples.map((s) => [s.tokens.length, s.truncated]), lengths.map((n) => [Math.min(n, cap), n > cap]));
  assert.equal(result.stats.truncations, lengths.filter((n) => n > cap).length);
  for (const sample of result.samples) {
    assert.equal(sample.lossMask.length, sample.tokens.length);
    assert.equal(sample.logprobs.length, sample.tokens.length);
  }
  assertSound(result, rollout.calls);
});

test('a cut that would leave nothing trainable drops the sample instead', () => {
  const rollout = new FakeRollout();
  const [t1] = toolLoop(rollout, 1);
  const result = buildSamples(rollout.calls, { maxTotalTokens: t1!.promptIds.length });
  assert.deepEqual(result.samples, []);
  assert.equal(result.stats.droppedByCaps, 1);
  assert.equal(result.stats.truncations, 0);
});

test('maxResponseTokens counts from the first trained token and cuts the rest', () => {
  const rollout = new FakeRollout();
  const [t1, t2] = toolLoop(rollout, 2);
  const promptPart = t1!.promptIds.length;
  const result = buildSamples(rollout.calls, { maxResponseTokens: 6 });
  const sample = result.samples[0]!;
  assert.equal(sample.tokens.length, promptPart + 6);
  assert.deepEqual(sample.tokens, sequenceOf(t2!).slice(0, promptPart + 6));
  assert.equal(sample.truncated, true);
  assert.equal(result.stats.truncations, 1);
  assertSound(result, rollout.calls);
});

test('under train-once, a shared turn cut short is not repeated by the next branch', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [choice(toolCallTurn(0))] });
  const branch = [TOKEN.newline, ...toolResult(0)];
  const t2 = rollout.continue(t1, branch, [choice([580, 581, 582, EOS], 'stop', 0), choice([590, EOS], 'stop', 1)]);
  // The first branch is cut inside turn 1; the second still contributes its own turn, whole.
  const result = buildSamples(rollout.calls, { maxResponseTokens: 2 });
  assert.equal(result.samples.length, 2);
  const [first, second] = result.samples;
  assert.deepEqual(first!.tokens, sequenceOf(t1).slice(0, t1.promptIds.length + 2));
  assert.equal(first!.truncated, true);
  assert.deepEqual(second!.tokens, sequenceOf(t2, 1));
  assert.equal(second!.truncated, false);
  assert.ok(completionPositions(t1).every((at) => second!.lossMask[at] === 0), 'turn 1 is not trained again');
  assert.deepEqual(completionPositions(t2, 1).map((at) => second!.lossMask[at]), [1, 1]);
  assertSound(result, rollout.calls);
});

test('caps must be integers ≥ 1 and the shared-prefix mode a known one', () => {
  const bad: SampleOptions[] = [{ maxSamples: 0 }, { maxTotalTokens: 1.5 }, { maxPromptTokens: -1 }, { maxResponseTokens: Number.NaN }];
  for (const options of bad) {
    assert.throws(() => buildSamples([], options), (error: unknown) => error instanceof RollcallError && error.code === 'RC_ERR_REQUEST_VALIDATION' && error.param === Object.keys(options)[0]);
  }
  assert.throws(() => buildSamples([], { sharedPrefix: 'twice' as never }), RollcallError);
  assert.equal(EOS, 2);
});
