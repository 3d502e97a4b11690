import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { isMetricsError } from '../../../../trainer/metrics/metrics-errors.ts';
import {
  listEventFiles,
  readEventFile,
  readScalarEvents,
} from '../../../../trainer/metrics/tensorboard-reader.ts';
import { eventFileName, TensorBoardWriter } from '../../../../trainer/metrics/tensorboard-writer.ts';

const root = mkdtempSync(join(tmpdir(), 'rollcall-tb-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = (): string => join(root, `run-${(dirCount += 1)}`);

/** A clock that starts at 2023-11-14T22:13:20.250Z and moves 1.5 s per reading. */
function steppingClock(startMs = 1_700_000_000_250, stepMs = 1500): () => number {
  let now = startMs - stepMs;
  return () => (now += stepMs);
}

describe('TensorBoardWriter', () => {
  it('names the file events.out.tfevents.<unix seconds>.<hostname> inside a new log dir', () => {
    const logDir = join(freshDir(), 'nested', 'tb');
    const writer = TensorBoardWriter.open({ logDir, now: steppingClock(), hostname: 'gpu-node-7' });
    writer.close();
    assert.deepEqual(readdirSync(logDir), ['events.out.tfevents.1700000000.gpu-node-7']);
    assert.equal(writer.path, join(logDir, 'events.out.tfevents.1700000000.gpu-node-7'));
    assert.equal(
      eventFileName(1_700_000_000_999, 'a/b', '.eval'),
      'events.out.tfevents.1700000000.a_b.eval',
    );
  });

  it('round-trips several steps with many tags, unicode tags included', () => {
    const logDir = freshDir();
    const writer = TensorBoardWriter.open({ logDir, now: steppingClock(), hostname: 'h' });
    const tags = [
      ...Array.from({ length: 40 }, (_, i) => `group${i % 4}/metric_${i}`),
      'reward/mean',
      'über/größe',
      'τ/ελληνικά',
      '指标/奖励',
      'emoji/🙂',
      '__proto__',
    ];
    const expected: Array<{ step: number; scalars: Record<string, number> }> = [];
    for (const step of [1, 2, 3, 10, 1000, 2 ** 31 + 5]) {
      const scalars = Object.fromEntries(tags.map((tag, i) => [tag, step * 0.37 + i - 20]));
      writer.addScalars(step, scalars);
      expected.push({ step, scalars });
    }
    writer.close();

    const contents = readEventFile(writer.path);
    assert.equal(contents.fileVersion, 'brain.Event:2');
    assert.equal(contents.startWallTime, 1_700_000_000.25);
    assert.equal(contents.events.length, expected.length);
    contents.events.forEach((event, i) => {
      const want = expected[i];
      assert.ok(want !== undefined);
      assert.equal(event.step, want.step);
      assert.equal(event.wallTime, 1_700_000_000.25 + 1.5 * (i + 1));
      assert.deepEqual(Object.keys(event.scalars), tags, 'tags keep their order');
      for (const tag of tags) {
        assert.equal(event.scalars[tag], Math.fround(want.scalars[tag] ?? Number.NaN), tag);
      }
    });
  });

  it('writes the largest safe step and a step of 0 exactly', () => {
    const writer = TensorBoardWriter.open({ logDir: freshDir(), now: steppingClock(), hostname: 'h' });
    writer.addScalars(0, { x: 1 });
    writer.addScalars(Number.MAX_SAFE_INTEGER, { x: 2 });
    writer.close();
    assert.deepEqual(
      readScalarEvents(writer.path).map((e) => e.step),
      [0, Number.MAX_SAFE_INTEGER],
    );
  });

  it('stores values as float32 and keeps NaN and infinities', () => {
    const writer = TensorBoardWriter.open({ logDir: freshDir(), now: steppingClock(), hostname: 'h' });
    writer.addScalars(1, {
      tenth: 0.1,
      nan: Number.NaN,
      inf: Infinity,
      ninf: -Infinity,
      huge: 1e39,
      zero: 0,
    });
    writer.close();
    const [event] = readScalarEvents(writer.path);
    assert.deepEqual(event?.scalars, {
      tenth: Math.fround(0.1),
      nan: Number.NaN,
      inf: Infinity,
      ninf: -Infinity,
      huge: Infinity, // past float32's range
      zero: 0,
    });
  });

  it('flushes each step: a reader sees it before close()', () => {
    const logDir = freshDir();
    const writer = TensorBoardWriter.open({ logDir, now: steppingClock(), hostname: 'h', fsync: true });
    writer.addScalars(1, { a: 1 });
    assert.deepEqual(readScalarEvents(writer.path).map((e) => e.scalars), [{ a: 1 }]);
    writer.addScalars(2, { a: 2 });
    assert.equal(readScalarEvents(writer.path).length, 2);
    writer.close();
  });

  it('appends to a same-named file without a second header', () => {
    const logDir = freshDir();
    const first = TensorBoardWriter.open({ logDir, now: () => 1_700_000_000_000, hostname: 'h' });
    first.addScalars(1, { a: 1 });
    first.close();
    const second = TensorBoardWriter.open({ logDir, now: () => 1_700_000_000_900, hostname: 'h' });
    second.addScalars(2, { a: 2 });
    second.close();
    assert.equal(first.path, second.path);
    const contents = readEventFile(second.path);
    assert.equal(contents.startWallTime, 1_700_000_000);
    assert.deepEqual(contents.events.map((e) => e.step), [1, 2]);
    const headerCount = readFileSync(second.path).toString('latin1').split('brain.Event:2').length - 1;
    assert.equal(headerCount, 1);
  });

  it('writes nothing for a step without metrics and refuses bad steps and values', () => {
    const writer = TensorBoardWriter.open({ logDir: freshDir(), now: steppingClock(), hostname: 'h' });
    const before = readFileSync(writer.path).length;
    writer.addScalars(1, {});
    assert.equal(readFileSync(writer.path).length, before);
    assert.throws(() => writer.addScalars(-1, { a: 1 }), RangeError);
    assert.throws(() => writer.addScalars(1.5, { a: 1 }), RangeError);
    assert.throws(() => writer.addScalars(1, { '': 1 }), RangeError);
    assert.throws(() => writer.addScalars(1, { a: '1' as unknown as number }), TypeError);
    assert.equal(readFileSync(writer.path).length, before, 'refused steps leave no bytes');
    writer.close();
    writer.close();
    assert.throws(
      () => writer.addScalars(2, { a: 1 }),
      (error: unknown) => isMetricsError(error) && error.code === 'RC_ERR_METRICS_CLOSED',
    );
  });
});

describe('tensorboard reader', () => {
  it('reports a corrupted byte in the file as a CRC failure', () => {
    const writer = TensorBoardWriter.open({ logDir: freshDir(), now: steppingClock(), hostname: 'h' });
    writer.addScalars(1, { 'reward/mean': 0.5, 'loss/policy': 0.25 });
    writer.close();
    const bytes = readFileSync(writer.path);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0x10; // inside the last event
    writeFileSync(writer.path, bytes);
    assert.throws(
      () => readScalarEvents(writer.path),
      (error: unknown) => isMetricsError(error) && error.code === 'RC_ERR_METRICS_RECORD_CORRUPT',
    );
  });

  it('lists event files oldest first and ignores other files', () => {
    const logDir = freshDir();
    for (const ms of [1_000_000_000_000, 999_999_999_000, 1_700_000_000_000]) {
      TensorBoardWriter.open({ logDir, now: () => ms, hostname: 'h' }).close();
    }
    writeFileSync(join(logDir, 'metrics.jsonl'), '');
    assert.deepEqual(
      listEventFiles(logDir).map((path) => path.slice(logDir.length + 1)),
      [
        'events.out.tfevents.999999999.h',
        'events.out.tfevents.1000000000.h',
        'events.out.tfevents.1700000000.h',
      ],
    );
  });

  it('reports a missing file as RC_ERR_METRICS_IO with the path', () => {
    const missing = join(freshDir(), 'events.out.tfevents.1.h');
    assert.throws(
      () => readScalarEvents(missing),
      (error: unknown) =>
        isMetricsError(error) && error.code === 'RC_ERR_METRICS_IO' && error.message.includes(missing),
    );
  });
});
