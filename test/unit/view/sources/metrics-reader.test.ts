import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MetricsLog } from '../../../../trainer/metrics/metrics-log.ts';
import { MetricsReader } from '../../../../view/sources/metrics-reader.ts';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'rollcall-metrics-')), 'metrics.jsonl');

test("follows the trainer's metrics log as it grows, a NaN read as null", () => {
  const path = fresh();
  const log = MetricsLog.open({ path, now: () => 1_000 });
  const reader = new MetricsReader(path);
  assert.equal(reader.refresh(), false, 'nothing yet');
  log.append(1, { 'reward/mean': 0.25, 'loss': Number.NaN });
  assert.equal(reader.refresh(), true);
  assert.deepEqual(reader.rows(), [{ step: 1, time: 1, values: { 'reward/mean': 0.25, loss: null } }]);
  const seen = reader.revision;
  log.append(2, { 'reward/mean': 0.5 });
  log.close();
  reader.refresh();
  assert.deepEqual(reader.rows().map((r) => r.step), [1, 2]);
  assert.deepEqual(reader.rowsSince(seen).map((r) => r.step), [2], 'only what a page has not seen');
});

test('a line still being written waits; a step written twice keeps its later line; a cut line is counted', () => {
  const path = fresh();
  writeFileSync(path, '{"step":1,"time":1,"reward/mean":0.1}\n{"step":2,"ti');
  const reader = new MetricsReader(path);
  reader.refresh();
  assert.deepEqual(reader.rows().map((r) => r.step), [1]);
  appendFileSync(path, 'me":2,"reward/mean":0.2}\n{"step":1,"time":3,"reward/mean":0.9}\nnot json\n');
  reader.refresh();
  assert.deepEqual(reader.rows().map((r) => [r.step, r.values['reward/mean']]), [[1, 0.9], [2, 0.2]]);
  assert.equal(reader.unreadableLines, 1);
});

test('a file that shrank was rewritten and is read again from the start', () => {
  const path = fresh();
  writeFileSync(path, '{"step":1,"time":1,"a":1}\n{"step":2,"time":2,"a":2}\n');
  const reader = new MetricsReader(path);
  reader.refresh();
  writeFileSync(path, '{"step":5,"time":5,"a":5}\n');
  reader.refresh();
  assert.deepEqual(reader.rows().map((r) => r.step), [5]);
});
