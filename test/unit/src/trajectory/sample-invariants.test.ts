import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSamples } from '../../../../src/trajectory/build-samples.ts';
import { sampleViolations } from '../../../../src/trajectory/sample-invariants.ts';
import { sampleMetrics } from '../../../../src/trajectory/sample-stats.ts';
import type { Sample } from '../../../../src/trajectory/sample-types.ts';
import { FakeRollout, TOKEN, completionPositions, openingPrompt, toolLoop, toolResult } from './rollout-fixture.ts';

function soundSample(): { sample: Sample; rollout: FakeRollout } {
  const rollout = new FakeRollout();
  toolLoop(rollout, 3);
  const sample = buildSamples(rollout.calls).samples[0];
  assert.ok(sample);
  assert.deepEqual(sampleViolations(sample, rollout.calls), []);
  return { sample, rollout };
}

test('the checker catches a trained context token, a swapped logprob and a foreign token', () => {
  const { sample, rollout } = soundSample();
  const contextAt = 1;
  const trainedAt = completionPositions(rollout.calls[1]!)[0]!;
  const masked = { ...sample, lossMask: sample.lossMask.map((m, at) => (at === contextAt ? 1 : m)) };
  assert.match(sampleViolations(masked, rollout.calls).join('\n'), /token 1: mask 1 outside any trainable completion/);
  const swapped = { ...sample, logprobs: sample.logprobs.map((l, at) => (at === trainedAt ? l - 1 : l)) };
  assert.match(sampleViolations(swapped, rollout.calls).join('\n'), /differ from the engine's/);
  const foreign = { ...sample, tokens: sample.tokens.map((t, at) => (at === trainedAt ? 4242 : t)) };
  assert.match(sampleViolations(foreign, rollout.calls).join('\n'), /token \d+ is 4242/);
  const short = { ...sample, logprobs: sample.logprobs.slice(1) };
  assert.match(sampleViolations(short, rollout.calls).join('\n'), /lengths differ/);
});

test('the checker refuses mask 1 on an untrainable call and logprobs on context', () => {
  const { sample, rollout } = soundSample();
  rollout.calls[0]!.trainable = false;
  assert.match(sampleViolations(sample, rollout.calls).join('\n'), /outside any trainable completion/);
  const noisy = { ...sample, logprobs: sample.logprobs.map((l, at) => (at === 0 ? -0.5 : l)) };
  rollout.calls[0]!.trainable = true;
  assert.match(sampleViolations(noisy, rollout.calls).join('\n'), /token 0: mask 0 with logprob -0.5/);
});

test('a long rollout (200 turns) still merges into one sound sample', () => {
  const rollout = new FakeRollout();
  const turns = toolLoop(rollout, 200, openingPrompt(Array.from({ length: 2000 }, (_, i) => 1000 + i)));
  const result = buildSamples(rollout.calls);
  assert.equal(result.samples.length, 1);
  assert.equal(result.stats.merges, 199);
  assert.equal(result.samples[0]!.lossMask.reduce((a, b) => a + b, 0), turns.length * 4);
  assert.deepEqual(sampleViolations(result.samples[0]!, rollout.calls), []);
});

test('sample metrics sum rollouts and report merged, forked and trainable counts', () => {
  const one = new FakeRollout();
  const [t1] = toolLoop(one, 2);
  one.add({ promptIds: [...openingPrompt([109]), TOKEN.newline], choices: [] });
  const two = new FakeRollout();
  toolLoop(two, 1);
  two.continue(t1!, [TOKEN.newline, ...toolResult(0)], [], { status: 'failed' });
  const metrics = sampleMetrics([buildSamples(one.calls), buildSamples(two.calls)]);
  assert.equal(metrics['samples/rollouts'], 2);
  assert.equal(metrics['samples/count'], 2);
  assert.equal(metrics['samples/merges'], 1);
  assert.equal(metrics['samples/forks'], 2);
  assert.equal(metrics['samples/skipped_calls'], 2);
  assert.equal(metrics['samples/trainable_tokens'], 12);
  assert.equal(metrics['samples/merge_ratio'], 1 / 3);
});
