import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isMetricsError, type MetricsErrorCode } from '../../../../trainer/metrics/metrics-errors.ts';
import {
  decodeEvent,
  encodeFileVersionEvent,
  encodeScalarsEvent,
} from '../../../../trainer/metrics/tensorboard-event.ts';
import { decodeTfRecords, encodeTfRecord } from '../../../../trainer/metrics/tfrecord.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// Known-good records, produced independently by Python's protobuf runtime (Event/Summary
// descriptors with TensorBoard's field numbers, SerializeToString) and the crc32c package.
// Layout: length u64 LE | masked crc(length) | Event bytes | masked crc(Event bytes).
const TINY_RECORD =
  '1800000000000000' + 'a37f4b22' +
  // Event { wall_time: 1.5 (09 …f83f), step: 300 (10 ac02), summary (2a 0a) {
  //   value (0a 08) { tag: "a" (0a 01 61), simple_value: 0.25 (15 …803e) } } }
  '09000000000000f83f' + '10ac02' + '2a0a' + '0a08' + '0a0161' + '150000803e' +
  'b4fa9511';
const HEADER_RECORD =
  '1800000000000000' + 'a37f4b22' +
  // Event { wall_time: 1700000000.5, file_version: "brain.Event:2" }
  '0900002040fc54d941' + '1a0d' + Buffer.from('brain.Event:2').toString('hex') +
  '2b353110';

const hasCode = (code: MetricsErrorCode) => (error: unknown) =>
  isMetricsError(error) && error.code === code;

describe('TFRecord + Event encoding', () => {
  it('produces the known-good bytes of a one-scalar summary event', () => {
    const record = encodeTfRecord(encodeScalarsEvent(1.5, 300, [['a', 0.25]]));
    assert.equal(hex(record), TINY_RECORD);
  });

  it('produces the known-good bytes of the file_version header', () => {
    assert.equal(hex(encodeTfRecord(encodeFileVersionEvent(1_700_000_000.5))), HEADER_RECORD);
  });

  it('leaves step 0 out, as proto3 serializers do, but always writes a zero simple_value', () => {
    const bytes = encodeScalarsEvent(1.5, 0, [['a', 0]]);
    assert.equal(hex(bytes), '09000000000000f83f' + '2a0a0a080a01611500000000');
    assert.deepEqual(decodeEvent(bytes), {
      wallTime: 1.5,
      step: 0,
      fileVersion: undefined,
      scalars: [['a', 0]],
    });
  });
});

describe('decodeTfRecords', () => {
  const twoRecords = Buffer.from(HEADER_RECORD + TINY_RECORD, 'hex');

  it('yields each record after checking both checksums', () => {
    const events = [...decodeTfRecords(twoRecords)].map(decodeEvent);
    assert.deepEqual(events, [
      { wallTime: 1_700_000_000.5, step: 0, fileVersion: 'brain.Event:2', scalars: undefined },
      { wallTime: 1.5, step: 300, fileVersion: undefined, scalars: [['a', 0.25]] },
    ]);
  });

  it('detects a flipped bit in any part of a record', () => {
    // Offsets in the second record: length, length crc, data, data crc.
    const start = HEADER_RECORD.length / 2;
    const cases: Array<[number, MetricsErrorCode]> = [
      [start + 0, 'RC_ERR_METRICS_RECORD_CORRUPT'],
      [start + 9, 'RC_ERR_METRICS_RECORD_CORRUPT'],
      [start + 12 + 20, 'RC_ERR_METRICS_RECORD_CORRUPT'],
      [twoRecords.length - 1, 'RC_ERR_METRICS_RECORD_CORRUPT'],
    ];
    for (const [offset, code] of cases) {
      const damaged = Uint8Array.from(twoRecords);
      damaged[offset] = (damaged[offset] ?? 0) ^ 0x04;
      assert.throws(() => [...decodeTfRecords(damaged)], hasCode(code), `byte ${offset}`);
    }
  });

  it('names the record and the checksum that failed', () => {
    const damaged = Uint8Array.from(twoRecords);
    const dataByte = HEADER_RECORD.length / 2 + 14;
    damaged[dataByte] = (damaged[dataByte] ?? 0) ^ 0xff;
    assert.throws(() => [...decodeTfRecords(damaged)], /TFRecord 1 at byte 40: the data checksum/);
  });

  it('refuses a file cut inside a record, unless a truncated tail is allowed', () => {
    for (const cut of [1, 4, 11, 28, 39]) {
      const partial = twoRecords.subarray(0, twoRecords.length - cut);
      assert.throws(() => [...decodeTfRecords(partial)], hasCode('RC_ERR_METRICS_RECORD_TRUNCATED'));
      const records = [...decodeTfRecords(partial, { allowTruncatedTail: true })];
      assert.equal(records.length, 1, `cut ${cut}`);
    }
  });

  it('still refuses corruption when a truncated tail is allowed', () => {
    const damaged = Uint8Array.from(twoRecords);
    damaged[20] = (damaged[20] ?? 0) ^ 1;
    assert.throws(
      () => [...decodeTfRecords(damaged, { allowTruncatedTail: true })],
      hasCode('RC_ERR_METRICS_RECORD_CORRUPT'),
    );
  });

  it('reads an empty input as no records and an empty record as empty data', () => {
    assert.deepEqual([...decodeTfRecords(new Uint8Array(0))], []);
    const empty = [...decodeTfRecords(encodeTfRecord(new Uint8Array(0)))];
    assert.equal(empty.length, 1);
    assert.equal(empty[0]?.length, 0);
  });
});
