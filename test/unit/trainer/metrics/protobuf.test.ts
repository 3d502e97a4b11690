import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  int64FromVarint,
  readProtobufFields,
  readVarint,
} from '../../../../trainer/metrics/protobuf-reader.ts';
import { encodeVarint, ProtobufWriter } from '../../../../trainer/metrics/protobuf-writer.ts';
import { isMetricsError } from '../../../../trainer/metrics/metrics-errors.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

describe('varint encoding', () => {
  it('writes 7 bits per byte, least significant group first', () => {
    assert.equal(hex(encodeVarint(0)), '00');
    assert.equal(hex(encodeVarint(127)), '7f');
    assert.equal(hex(encodeVarint(128)), '8001');
    assert.equal(hex(encodeVarint(300)), 'ac02'); // 300 = 0b10_0101100 → 0xac 0x02
    assert.equal(hex(encodeVarint(2 ** 32)), '8080808010');
    assert.equal(hex(encodeVarint((1n << 64n) - 1n)), 'ffffffffffffffffff01');
  });

  it('refuses values it cannot represent', () => {
    assert.throws(() => encodeVarint(-1), RangeError);
    assert.throws(() => encodeVarint(1n << 64n), RangeError);
    assert.throws(() => encodeVarint(2 ** 53), RangeError); // not a safe integer
    assert.throws(() => encodeVarint(1.5), RangeError);
  });
});

describe('ProtobufWriter', () => {
  it('encodes int64 steps as plain varints, not zigzag', () => {
    // Field 2, wire type 0 → key 0x10. Zigzag would turn 300 into 600 (0xd8 0x04).
    assert.equal(hex(new ProtobufWriter().int64(2, 300).finish()), '10ac02');
    assert.equal(hex(new ProtobufWriter().int64(2, 2 ** 32 + 1).finish()), '108180808010');
    // 2^53 − 1: 53 one-bits → seven 0xff groups and 0x0f (what Python's protobuf writes).
    assert.equal(hex(new ProtobufWriter().int64(2, 2 ** 53 - 1).finish()), '10ffffffffffffff0f');
    // Negative int64 is two's complement over 64 bits: always ten bytes.
    assert.equal(hex(new ProtobufWriter().int64(2, -1).finish()), '10ffffffffffffffffff01');
    assert.equal(
      hex(new ProtobufWriter().int64(2, (1n << 63n) - 1n).finish()),
      '10ffffffffffffffff7f',
    );
  });

  it('refuses steps outside int64 or not integral', () => {
    assert.throws(() => new ProtobufWriter().int64(2, 1n << 63n), RangeError);
    assert.throws(() => new ProtobufWriter().int64(2, 2.5), RangeError);
    assert.throws(() => new ProtobufWriter().int64(2, 2 ** 53), RangeError);
  });

  it('encodes double, float and string fields little-endian with their wire types', () => {
    const bytes = new ProtobufWriter().double(1, 1.5).float(2, 0.25).string(1, 'a').finish();
    assert.equal(hex(bytes), '09000000000000f83f' + '150000803e' + '0a0161');
  });

  it('rounds floats to float32 and keeps NaN and infinities', () => {
    const read = (value: number): number =>
      Buffer.from(new ProtobufWriter().float(2, value).finish().subarray(1)).readFloatLE(0);
    assert.equal(read(0.1), Math.fround(0.1));
    assert.ok(Number.isNaN(read(Number.NaN)));
    assert.equal(read(Number.NEGATIVE_INFINITY), Number.NEGATIVE_INFINITY);
    assert.equal(read(1e40), Number.POSITIVE_INFINITY); // beyond float32's range
  });

  it('length-prefixes UTF-8 strings by byte count, not character count', () => {
    // "τ" is 2 bytes in UTF-8, "🙂" is 4.
    assert.equal(hex(new ProtobufWriter().string(1, 'τ🙂').finish()), '0a06cf84f09f9982');
  });

  it('grows its buffer when a varint lands on the boundary', () => {
    // The buffer starts at 64 bytes; 40 two-byte fields put every kind of write across it.
    const writer = new ProtobufWriter();
    for (let i = 0; i < 40; i += 1) writer.int64(1, i);
    const fields = [...readProtobufFields(writer.finish())];
    assert.deepEqual(
      fields.map((f) => (f.wireType === 0 ? Number(f.value) : -1)),
      Array.from({ length: 40 }, (_, i) => i),
    );
  });

  it('grows its buffer for long messages', () => {
    const payload = new Uint8Array(1000).fill(7);
    const bytes = new ProtobufWriter().bytes(3, payload).finish();
    assert.equal(hex(bytes.subarray(0, 3)), '1ae807'); // key 0x1a, length 1000 = 0xe8 0x07
    assert.deepEqual(bytes.subarray(3), payload);
  });
});

describe('readProtobufFields', () => {
  it('reads back what the writer wrote, field by field', () => {
    const inner = new ProtobufWriter().string(1, 'tag').finish();
    const bytes = new ProtobufWriter().double(1, 2.5).int64(2, -7).bytes(5, inner).float(9, 3).finish();
    const fields = [...readProtobufFields(bytes)];
    assert.deepEqual(
      fields.map((f) => [f.field, f.wireType]),
      [[1, 1], [2, 0], [5, 2], [9, 5]],
    );
    const step = fields[1];
    assert.ok(step !== undefined && step.wireType === 0);
    assert.equal(int64FromVarint(step.value), -7);
    const nested = fields[2];
    assert.ok(nested !== undefined && nested.wireType === 2);
    assert.deepEqual(nested.bytes, inner);
  });

  it('returns int64 values past 2^53 as bigint instead of rounding them', () => {
    const [value] = readVarint(encodeVarint((1n << 63n) - 1n), 0);
    assert.equal(int64FromVarint(value), (1n << 63n) - 1n);
    assert.equal(int64FromVarint(2n ** 53n - 1n), 2 ** 53 - 1);
  });

  it('reports malformed input with RC_ERR_METRICS_PROTO_MALFORMED', () => {
    const malformed = [
      '08', // varint field with no value
      '0a05616263', // string of length 5 with only 3 bytes
      '09000000', // double cut short
      '0b', // wire type 3 (group start)
      '08ffffffffffffffffffff01', // varint longer than 10 bytes
      '00', // field number 0
    ];
    for (const input of malformed) {
      assert.throws(
        () => [...readProtobufFields(fromHex(input))],
        (error: unknown) => isMetricsError(error) && error.code === 'RC_ERR_METRICS_PROTO_MALFORMED',
        input,
      );
    }
  });
});
