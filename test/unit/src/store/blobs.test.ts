import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packFloat32, packInt32, unpackFloat32, unpackInt32 } from '../../../../src/store/blobs.ts';

test('token ids round-trip through int32 blobs, 4 bytes a token', () => {
  const ids = [0, 1, 151645, 2 ** 31 - 1, -1];
  const blob = packInt32(ids);
  assert.equal(blob.byteLength, ids.length * 4);
  assert.deepEqual(unpackInt32(blob), ids);
});

test('float32 logprobs round-trip exactly, including the -9999 clamp', () => {
  const logprobs = [-0.0213, -0.3105, -9999, -1e-7].map(Math.fround);
  assert.deepEqual(unpackFloat32(packFloat32(logprobs)), logprobs);
});

test('unaligned blobs (as SQLite may hand back) still unpack', () => {
  const blob = packInt32([7, 8, 9]);
  const shifted = Buffer.alloc(blob.length + 1);
  blob.copy(shifted, 1);
  assert.deepEqual(unpackInt32(shifted.subarray(1)), [7, 8, 9]);
  assert.throws(() => unpackInt32(Buffer.alloc(5)), /not a multiple of 4/);
});
