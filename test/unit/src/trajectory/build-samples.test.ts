import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSamples } from '../../../../src/trajectory/build-samples.ts';
import {
  EOS,
  FakeRollout,
  GEN,
  TOKEN,
  assertSound,
  choice,
  completionPositions,
  message,
  openingPrompt,
  sequenceOf,
  toolCallTurn,
  toolLoop,
  toolResult,
  trainedPositions,
} from './rollout-fixture.ts';

test('a 6-turn tool rollout merges into one sample equal, turn by turn, to prompt + completion', () => {
  const rollout = new FakeRollout();
  const turns = toolLoop(rollout, 6);
  const before = structuredClone(rollout.calls);
  const { samples, stats } = buildSamples(rollout.calls, {});

  assert.equal(samples.length, 1);
  const [sample] = samples;
  assert.ok(sample);
  assert.deepEqual(sample.tokens, sequenceOf(turns[5]!));
  for (const turn of turns) assert.deepEqual(sample.tokens.slice(0, sequenceOf(turn).length), sequenceOf(turn));
  // Mask 1 exactly on the six completions, with their engine logprobs; context is 0/0.
  assert.deepEqual(trainedPositions(sample.lossMask), turns.flatMap((turn) => completionPositions(turn)));
  for (const turn of turns) {
    for (const [k, at] of completionPositions(turn).entries()) assert.equal(sample.logprobs[at], turn.choices[0]!.logprobs[k]);
  }
  assert.deepEqual({ sampleId: sample.sampleId, promptLength: sample.promptLength, merges: sample.merges, truncated: sample.truncated }, {
    sampleId: String(turns[0]!.callId),
    promptLength: openingPrompt().length,
    merges: 5,
    truncated: false,
  });
  assert.deepEqual(sample.callIds, turns.map((t) => t.callId));
  assert.deepEqual(sample.policyVersions, [1]);
  assert.deepEqual({ ...stats, driftEvents: stats.driftEvents.length }, {
    calls: 6, merges: 5, forks: 1, driftEvents: 0, truncations: 0, deduplicated: 0, skippedCalls: 0, droppedByCaps: 0, syntheticEos: 0, invalidChoices: 0,
  });
  assertSound({ samples, stats }, rollout.calls);
  assert.deepEqual(rollout.calls, before, 'the input is not modified');
});

test('policy versions are listed once each, in call order', () => {
  const rollout = new FakeRollout();
  const turns = toolLoop(rollout, 4);
  turns[1]!.policyVersion = 2;
  turns[2]!.policyVersion = 2;
  turns[3]!.policyVersion = 3;
  assert.deepEqual(buildSamples(rollout.calls).samples[0]?.policyVersions, [1, 2, 3]);
});

test('drift in the middle of a re-rendered prompt forks and is reported, never merged', () => {
  const rollout = new FakeRollout();
  const [t1, t2] = toolLoop(rollout, 2);
  // The client replays turn 2's tool call as text and the template re-tokenizes it: 311 → 399.
  const replayed = sequenceOf(t2!);
  const driftAt = t2!.promptIds.length + 1;
  replayed[driftAt] = 399;
  const t3 = rollout.add({ promptIds: [...replayed, TOKEN.newline, ...toolResult(1), ...GEN], choices: [choice(toolCallTurn(2))], extendsCallId: t2!.callId });
  const t4 = rollout.continue(t3, [TOKEN.newline, ...toolResult(2)], choice(toolCallTurn(3)));

  const result = buildSamples(rollout.calls);
  assert.equal(result.stats.forks, 2);
  assert.equal(result.stats.merges, 2);
  assert.equal(result.stats.driftEvents.length, 1);
  const event = result.stats.driftEvents[0]!;
  assert.deepEqual({ callId: event.callId, parentCallId: event.parentCallId, parentChoice: event.parentChoice, index: event.index }, {
    callId: t3.callId, parentCallId: t2!.callId, parentChoice: 0, index: driftAt,
  });
  assert.equal(event.expected[event.index - event.windowStart], 311);
  assert.equal(event.actual[event.index - event.windowStart], 399);
  assert.deepEqual(event.actual.slice(0, event.index - event.windowStart), event.expected.slice(0, event.index - event.windowStart));

  // Though turn 3's prompt still starts with turn 1's tokens, it is not grafted onto turn 1.
  assert.deepEqual(result.samples.map((s) => s.callIds), [[t1!.callId, t2!.callId], [t3.callId, t4.callId]]);
  const [before, after] = result.samples;
  assert.deepEqual(before!.tokens, sequenceOf(t2!));
  assert.equal(after!.promptLength, t3.promptIds.length);
  assert.equal(after!.driftEvents, 1);
  assert.equal(before!.driftEvents, 0);
  // The re-rendered copy of turn 2 is context in the new sample: the policy did not generate 399.
  assert.equal(after!.lossMask[driftAt], 0);
  assert.deepEqual(trainedPositions(after!.lossMask), [...completionPositions(t3), ...completionPositions(t4)]);
  assertSound(result, rollout.calls);
});

test('a re-rendered prompt that drops tokens (stripped reasoning) reports where it ends', () => {
  const rollout = new FakeRollout();
  const t1 = rollout.add({ promptIds: openingPrompt(), choices: [choice([600, 601, 602, 310, EOS])] });
  // The client strips the reasoning tokens 600–602 from the replayed assistant turn.
  const prompt = [...openingPrompt(), 310, EOS, TOKEN.newline, ...toolResult(0), ...GEN];
  rollout.add({ promptIds: prompt, choices: [choice(toolCallTurn(1))], extendsCallId: t1.callId });
  const { stats, samples } = buildSamples(rollout.calls);
  assert.equal(samples.length, 2);
  assert.equal(stats.driftEvents[0]?.index, openingPrompt().length);
  assert.deepEqual(stats.driftEvents[0]?.expected.slice(4, 7), [600, 601, 602]);
});

test('a sub-agent context forks without drift and the main agent keeps merging', () => {
  const rollout = new FakeRollout();
  const [m1, m2] = toolLoop(rollout, 2);
  const s1 = rollout.add({ promptIds: openingPrompt([701, 702], [801]), choices: [choice([900, 901, EOS])] });
  const s2 = rollout.continue(s1, [TOKEN.newline, ...message(TOKEN.user, [802])], choice([902, EOS]));
  const m3 = rollout.continue(m2!, [TOKEN.newline, ...toolResult(1)], choice(toolCallTurn(2)));

  const result = buildSamples(rollout.calls);
  assert.deepEqual(result.stats.driftEvents, []);
  assert.equal(result.stats.forks, 2);
  assert.equal(result.stats.merges, 3);
  assert.deepEqual(result.samples.map((s) => [s.sampleId, s.callIds]), [
    [String(m1!.callId), [m1!.callId, m2!.callId, m3.callId]],
    [String(s1.callId), [s1.callId, s2.callId]],
  ]);
  assertSound(result, rollout.calls);
});

test('an untrainable call is context for later turns; its completion is mask 0, logprob 0', () => {
  const rollout = new FakeRollout();
  const turns = toolLoop(rollout, 3);
  turns[1]!.trainable = false;
  const result = buildSamples(rollout.calls);
  assert.equal(result.samples.length, 1);
  const sample = result.samples[0]!;
  assert.deepEqual(sample.callIds, turns.map((t) => t.callId));
  assert.deepEqual(trainedPositions(sample.lossMask), [...completionPositions(turns[0]!), ...completionPositions(turns[2]!)]);
  for (const at of completionPositions(turns[1]!)) assert.equal(sample.logprobs[at], 0);
  assertSound(result, rollout.calls);
});

test('a rollout of untrainable calls still yields its sample, with nothing to train', () => {
  const rollout = new FakeRollout();
  for (const turn of toolLoop(rollout, 2)) turn.trainable = false;
  const { samples } = buildSamples(rollout.calls);
  assert.equal(samples.length, 1);
  assert.deepEqual(trainedPositions(samples[0]!.lossMask), []);
});

test('failed and aborted calls are dropped entirely and counted as skipped', () => {
  const rollout = new FakeRollout();
  const [t1] = toolLoop(rollout, 1);
  const appended = [TOKEN.newline, ...toolResult(0)];
  // The client gave up on the first try mid-stream (partial completion), the second failed upstream.
  rollout.continue(t1!, appended, choice([777, 778], null), { status: 'aborted' });
  rollout.continue(t1!, appended, [], { status: 'failed' });
  const t2 = rollout.continue(t1!, appended, choice(toolCallTurn(1)));
  const t3 = rollout.continue(t2, [TOKEN.newline, ...toolResult(1)], choice(toolCallTurn(2)));

  const result = buildSamples(rollout.calls);
  assert.equal(result.stats.skippedCalls, 2);
  assert.equal(result.stats.deduplicated, 0);
  assert.deepEqual(result.samples.map((s) => s.callIds), [[t1!.callId, t2.callId, t3.callId]]);
  assert.ok(!result.samples[0]!.tokens.includes(777));
  assertSound(result, rollout.calls);
});

test('a trainable choice whose logprobs do not match its ids is masked 0 and counted', () => {
  const rollout = new FakeRollout();
  const [t1, t2] = toolLoop(rollout, 2);
  t2!.choices[0]!.logprobs.pop();
  t1!.choices[0]!.logprobs[0] = Number.NaN;
  const result = buildSamples(rollout.calls);
  assert.equal(result.stats.invalidChoices, 2);
  assert.deepEqual(trainedPositions(result.samples[0]!.lossMask), []);
  assert.equal(result.samples[0]!.merges, 1, 'still context for the merge');
});

test('calls without prompt ids or choices cannot be placed and are skipped', () => {
  const rollout = new FakeRollout();
  rollout.add({ promptIds: [], choices: [choice([1, 2])], trainable: false });
  rollout.add({ promptIds: openingPrompt(), choices: [] });
  const result = buildSamples(rollout.calls);
  assert.equal(result.stats.skippedCalls, 2);
  assert.deepEqual(result.samples, []);
});
