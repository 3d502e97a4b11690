import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { isMetricsError } from '../../../../trainer/metrics/metrics-errors.ts';
import { openMetricsSink } from '../../../../trainer/metrics/metrics-sink.ts';
import { listEventFiles, readScalarEvents } from '../../../../trainer/metrics/tensorboard-reader.ts';

const root = mkdtempSync(join(tmpdir(), 'rollcall-sink-'));
after(() => rmSync(root, { recursive: true, force: true }));
let runCount = 0;
const freshRunDir = (): string => join(root, 'runs', 'math', `grpo-${(runCount += 1)}`);

const jsonLines = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('MetricsSink', () => {
  it('writes each step to metrics.jsonl and an event file in the run folder, with equal times', () => {
    const runDir = freshRunDir();
    let now = 1_700_000_000_000;
    const sink = openMetricsSink({ runDir, now: () => (now += 1234), hostname: 'trainer-0' });
    sink.write(1, { 'reward/mean': 0.25, 'loss/policy': Number.NaN, 'rollout/tokens': 40_000_001 });
    sink.write(2, { 'reward/mean': 0.5, 'loss/policy': -0.012, 'rollout/tokens': 41_000_003 });
    sink.close();

    assert.deepEqual(readdirSync(runDir).sort(), [
      'events.out.tfevents.1700000001.trainer-0',
      'metrics.jsonl',
    ]);
    assert.equal(sink.metricsPath, join(runDir, 'metrics.jsonl'));
    assert.deepEqual(listEventFiles(runDir), [sink.eventFilePath]);

    const logged = jsonLines(sink.metricsPath);
    assert.deepEqual(logged[0], {
      step: 1,
      time: 1_700_000_002.468,
      'reward/mean': 0.25,
      'loss/policy': null,
      'rollout/tokens': 40_000_001,
      nonFinite: { 'loss/policy': 'NaN' },
    });
    const events = readScalarEvents(sink.eventFilePath ?? '');
    assert.deepEqual(events.map((e) => e.step), [1, 2]);
    events.forEach((event, i) => assert.equal(event.wallTime, logged[i]?.time));
    assert.ok(Number.isNaN(events[0]?.scalars['loss/policy']));
    // TensorBoard holds float32; the log keeps the exact count.
    assert.equal(events[1]?.scalars['rollout/tokens'], Math.fround(41_000_003));
    assert.equal(logged[1]?.['rollout/tokens'], 41_000_003);
    assert.equal(events[1]?.scalars['loss/policy'], Math.fround(-0.012));
  });

  it('refuses a bad record before either file changes', () => {
    const runDir = freshRunDir();
    const sink = openMetricsSink({ runDir, now: () => 1_700_000_000_000, hostname: 'h' });
    const eventBytes = readFileSync(sink.eventFilePath ?? '').length;
    assert.throws(() => sink.write(1, { time: 5 }), RangeError);
    assert.throws(() => sink.write(1.5, { a: 1 }), RangeError);
    assert.equal(readFileSync(sink.metricsPath, 'utf8'), '');
    assert.equal(readFileSync(sink.eventFilePath ?? '').length, eventBytes);
    sink.close();
  });

  it('can leave TensorBoard out or put its files in another folder', () => {
    const withoutTb = freshRunDir();
    const plain = openMetricsSink({ runDir: withoutTb, isTensorBoardEnabled: false, now: () => 0 });
    plain.write(1, { a: 1 });
    plain.close();
    assert.equal(plain.eventFilePath, undefined);
    assert.deepEqual(readdirSync(withoutTb), ['metrics.jsonl']);

    const runDir = freshRunDir();
    const tensorboardDir = join(runDir, 'tb');
    const split = openMetricsSink({ runDir, tensorboardDir, now: () => 0, hostname: 'h' });
    split.write(1, { a: 1 });
    split.close();
    assert.equal(readScalarEvents(join(tensorboardDir, 'events.out.tfevents.0.h'))[0]?.scalars.a, 1);
  });

  it('closes both files once and refuses writes afterwards', () => {
    const sink = openMetricsSink({ runDir: freshRunDir(), now: () => 0, hostname: 'h' });
    sink.close();
    sink.close();
    assert.throws(
      () => sink.write(1, { a: 1 }),
      (error: unknown) => isMetricsError(error) && error.code === 'RC_ERR_METRICS_CLOSED',
    );
  });
});
