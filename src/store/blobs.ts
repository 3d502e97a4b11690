/**
 * Token ids and logprobs are stored as packed little-endian typed arrays, one blob per column
 * and call: 4 bytes a token. Logprobs are float32, the precision engines compute them in.
 */

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
if (!isLittleEndian) throw new Error('rollcall stores blobs little-endian and needs a little-endian host');

export function packInt32(values: ArrayLike<number>): Buffer {
  const array = values instanceof Int32Array ? values : Int32Array.from(values);
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

export function packFloat32(values: ArrayLike<number>): Buffer {
  const array = values instanceof Float32Array ? values : Float32Array.from(values);
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function copyAligned(blob: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(blob.byteLength);
  new Uint8Array(copy).set(blob);
  return copy;
}

export function unpackInt32(blob: Uint8Array | null): number[] {
  if (blob === null) return [];
  if (blob.byteLength % 4 !== 0) throw new Error(`int32 blob of ${blob.byteLength} bytes is not a multiple of 4`);
  return Array.from(new Int32Array(copyAligned(blob)));
}

export function unpackFloat32(blob: Uint8Array | null): number[] {
  if (blob === null) return [];
  if (blob.byteLength % 4 !== 0) throw new Error(`float32 blob of ${blob.byteLength} bytes is not a multiple of 4`);
  return Array.from(new Float32Array(copyAligned(blob)));
}
