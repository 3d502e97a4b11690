/**
 * A minimal protocol-buffers decoder: walks the fields of one message and leaves their meaning
 * to the caller. Unknown fields are returned like any other, so a reader built on this skips
 * what it does not know — as protobuf readers must, since TensorBoard's schema keeps growing.
 */

import { metricsError } from './metrics-errors.ts';
import { WIRE_TYPE } from './protobuf-writer.ts';

/** One decoded field. `bytes` views the input without copying. */
export type ProtobufField =
  | { readonly field: number; readonly wireType: typeof WIRE_TYPE.varint; readonly value: bigint }
  | {
      readonly field: number;
      readonly wireType: Exclude<(typeof WIRE_TYPE)[keyof typeof WIRE_TYPE], 0>;
      readonly bytes: Uint8Array;
    };

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Yields the fields of `message` in order; bad input throws `RC_ERR_METRICS_PROTO_MALFORMED`. */
export function* readProtobufFields(message: Uint8Array): Generator<ProtobufField> {
  let at = 0;
  while (at < message.length) {
    const [key, afterKey] = readVarint(message, at);
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field < 1) throw malformed(`field number 0 at byte ${at}`);
    at = afterKey;
    if (wireType === WIRE_TYPE.varint) {
      const [value, next] = readVarint(message, at);
      at = next;
      yield { field, wireType, value };
      continue;
    }
    let size: number;
    if (wireType === WIRE_TYPE.fixed64) size = 8;
    else if (wireType === WIRE_TYPE.fixed32) size = 4;
    else if (wireType === WIRE_TYPE.lengthDelimited) {
      const [length, next] = readVarint(message, at);
      if (length > BigInt(message.length - next)) throw malformed(`field ${field} overruns`);
      size = Number(length);
      at = next;
    } else {
      // Wire types 3 and 4 are proto2 groups, which no TensorBoard message uses.
      throw malformed(`unsupported wire type ${wireType} for field ${field}`);
    }
    if (at + size > message.length) throw malformed(`field ${field} overruns`);
    yield { field, wireType, bytes: message.subarray(at, at + size) };
    at += size;
  }
}

/** Reads a base-128 varint at `offset`; returns the value and the offset after it. */
export function readVarint(bytes: Uint8Array, offset: number): [bigint, number] {
  let value = 0n;
  for (let i = 0; i < 10; i += 1) {
    const byte = bytes[offset + i];
    if (byte === undefined) throw malformed(`varint runs past the end at byte ${offset}`);
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return [value & ((1n << 64n) - 1n), offset + i + 1];
  }
  throw malformed(`varint longer than 10 bytes at byte ${offset}`);
}

/** An `int64` varint as a number when it is a safe integer, otherwise as a bigint. */
export function int64FromVarint(value: bigint): number | bigint {
  const signed = BigInt.asIntN(64, value);
  const small = Number(signed);
  return Number.isSafeInteger(small) ? small : signed;
}

export function doubleFromFixed64(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
}

export function floatFromFixed32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
}

/** Strict UTF-8: a tag with invalid bytes means the record is damaged, not a name to show. */
export function stringFromBytes(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    throw metricsError('RC_ERR_METRICS_PROTO_MALFORMED', 'A string is not valid UTF-8', error);
  }
}

function malformed(detail: string): Error {
  return metricsError('RC_ERR_METRICS_PROTO_MALFORMED', `Malformed protobuf: ${detail}`);
}
