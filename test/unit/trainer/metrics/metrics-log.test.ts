import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { isMetricsError } from '../../../../trainer/metrics/metrics-errors.ts';
import {
  formatMetricsLine,
  MetricsLog,
  roundMetric,
} from '../../../../trainer/metrics/metrics-log.ts';

const root = mkdtempSync(join(tmpdir(), 'rollcall-jsonl-'));
after(() => rmSync(root, { recursive: true, force: true }));
let fileCount = 0;
const freshPath = (): string => join(root, `run-${(fileCount += 1)}`, 'metrics.jsonl');
const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n');

describe('formatMetricsLine', () => {
  it('writes step, time in seconds with milliseconds, then the metrics in order', () => {
    const metrics = { 'reward/mean': 0.4375, 'loss/policy': -0.0131 };
    assert.equal(
      formatMetricsLine(12, 1_735_732_800_123.4, metrics),
      '{"step":12,"time":1735732800.123,"reward/mean":0.4375,"loss/policy":-0.0131}\n',
    );
  });

  it('writes non-finite values as null and names their kind in nonFinite', () => {
    const line = formatMetricsLine(3, 0, { loss: Number.NaN, ok: 1, up: Infinity, down: -Infinity });
    assert.equal(
      line,
      '{"step":3,"time":0,"loss":null,"ok":1,"up":null,"down":null,' +
        '"nonFinite":{"loss":"NaN","up":"Infinity","down":"-Infinity"}}\n',
    );
    const parsed = JSON.parse(line) as Record<string, unknown>;
    assert.equal(parsed.loss, null);
  });

  it('refuses reserved names instead of silently overwriting step or time', () => {
    for (const name of ['step', 'time', 'nonFinite']) {
      assert.throws(() => formatMetricsLine(1, 0, { [name]: 1 }), RangeError, name);
    }
  });

  it('keeps unicode names and a "__proto__" metric as ordinary keys', () => {
    const metrics = JSON.parse('{"__proto__": 2, "指标/奖励": 0.5}') as Record<string, number>;
    const parsed = JSON.parse(formatMetricsLine(1, 0, metrics)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['step', 'time', '__proto__', '指标/奖励']);
  });
});

describe('roundMetric', () => {
  it('drops binary noise but keeps ten significant digits', () => {
    assert.equal(roundMetric(0.1 + 0.2), 0.3);
    assert.equal(roundMetric(2 / 3), 0.6666666667);
    assert.equal(roundMetric(1e-12 / 3), 3.333333333e-13);
    assert.equal(roundMetric(123456.78901234), 123456.789);
    assert.equal(roundMetric(2 / 3, 3), 0.667);
  });

  it('keeps integers exact, even past float32 and ten digits', () => {
    assert.equal(roundMetric(16_777_217), 16_777_217);
    assert.equal(roundMetric(123_456_789_012_345), 123_456_789_012_345);
    assert.ok(Object.is(roundMetric(-0), 0));
  });
});

describe('MetricsLog', () => {
  it('appends one parseable line per step and creates its folder', () => {
    const path = freshPath();
    let now = 1_700_000_000_000;
    const log = MetricsLog.open({ path, now: () => (now += 500) });
    log.append(1, { 'reward/mean': 0.25, 'rollout/count': 64 });
    log.append(2, { 'reward/mean': 0.5, 'rollout/count': 64 });
    log.close();
    assert.deepEqual(lines(path), [
      '{"step":1,"time":1700000000.5,"reward/mean":0.25,"rollout/count":64}',
      '{"step":2,"time":1700000001,"reward/mean":0.5,"rollout/count":64}',
      '',
    ]);
  });

  it('writes each line before append returns', () => {
    const path = freshPath();
    const log = MetricsLog.open({ path, now: () => 0, fsync: true });
    log.append(7, { a: 1 });
    assert.equal(readFileSync(path, 'utf8'), '{"step":7,"time":0,"a":1}\n');
    log.close();
  });

  it('appends to an existing log when a run resumes', () => {
    const path = freshPath();
    const first = MetricsLog.open({ path, now: () => 0 });
    first.append(1, { a: 1 });
    first.close();
    const second = MetricsLog.open({ path, now: () => 0 });
    second.append(2, { a: 2 });
    second.close();
    assert.deepEqual(lines(path), ['{"step":1,"time":0,"a":1}', '{"step":2,"time":0,"a":2}', '']);
  });

  it('starts a fresh line after a line a crash cut short', () => {
    const path = freshPath();
    MetricsLog.open({ path }).close();
    writeFileSync(path, '{"step":1,"time":0,"a":1}\n{"step":2,"ti');
    const log = MetricsLog.open({ path, now: () => 0 });
    log.append(2, { a: 2 });
    log.close();
    assert.deepEqual(lines(path), [
      '{"step":1,"time":0,"a":1}',
      '{"step":2,"ti',
      '{"step":2,"time":0,"a":2}',
      '',
    ]);
  });

  it('writes nothing for a refused record and refuses writes after close', () => {
    const path = freshPath();
    const log = MetricsLog.open({ path, now: () => 0 });
    assert.throws(() => log.append(1, { step: 3 }), RangeError);
    assert.throws(() => log.append(-2, { a: 1 }), RangeError);
    assert.throws(() => log.append(1, { a: null as unknown as number }), TypeError);
    assert.equal(readFileSync(path, 'utf8'), '');
    log.close();
    assert.throws(
      () => log.append(1, { a: 1 }),
      (error: unknown) => isMetricsError(error) && error.code === 'RC_ERR_METRICS_CLOSED',
    );
    assert.throws(() => MetricsLog.open({ path, significantDigits: 0 }), RangeError);
  });
});
