/**
 * A minimal protocol-buffers encoder: just the wire types TensorBoard's Event and Summary need.
 *
 * Fields are appended in call order; callers write them in field-number order so the output is
 * byte-identical to what the reference implementations serialize. Wire types (protobuf encoding
 * spec): 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit.
 *
 * `int64` is a plain varint of the two's-complement value — not zigzag, which only `sint64`
 * uses — so a negative value always takes 10 bytes and a step up to 2^53 − 1 takes at most 8.
 */

export const WIRE_TYPE = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;
export type WireType = (typeof WIRE_TYPE)[keyof typeof WIRE_TYPE];

const UTF8 = new TextEncoder();
const UINT64_MASK = (1n << 64n) - 1n;

/** Appends protobuf fields to a growing buffer; `finish()` returns the encoded message. */
export class ProtobufWriter {
  private buffer = new Uint8Array(64);
  private length = 0;

  /** `double` (wire type 1): 8 bytes, little-endian IEEE-754. */
  double(field: number, value: number): this {
    this.tag(field, WIRE_TYPE.fixed64);
    const at = this.reserve(8);
    new DataView(this.buffer.buffer).setFloat64(at, value, true);
    return this;
  }

  /** `float` (wire type 5): 4 bytes, little-endian IEEE-754; the value is rounded to float32. */
  float(field: number, value: number): this {
    this.tag(field, WIRE_TYPE.fixed32);
    const at = this.reserve(4);
    new DataView(this.buffer.buffer).setFloat32(at, value, true);
    return this;
  }

  /** `int64` (wire type 0) from a safe integer or a bigint in the int64 range. */
  int64(field: number, value: number | bigint): this {
    const big = typeof value === 'bigint' ? value : BigInt(checkSafeInteger(value));
    if (big < -(1n << 63n) || big >= 1n << 63n) throw new RangeError(`int64 out of range: ${big}`);
    this.tag(field, WIRE_TYPE.varint);
    this.varint(big & UINT64_MASK);
    return this;
  }

  /** `string` (wire type 2): UTF-8 bytes prefixed with their length. */
  string(field: number, value: string): this {
    return this.bytes(field, UTF8.encode(value));
  }

  /** `bytes` or an embedded message (wire type 2): the bytes prefixed with their length. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_TYPE.lengthDelimited);
    this.varint(BigInt(value.length));
    const at = this.reserve(value.length);
    this.buffer.set(value, at);
    return this;
  }

  /** The encoded message: a copy, so the writer can be dropped or reused. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private tag(field: number, wireType: WireType): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) {
      throw new RangeError(`invalid protobuf field number: ${field}`);
    }
    this.varint(BigInt(field * 8 + wireType));
  }

  private varint(value: bigint): void {
    const bytes = encodeVarint(value);
    // Reserve first: it may replace `this.buffer`, which must be read after it.
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
  }

  /** Makes room for `count` more bytes and returns the offset where they go. */
  private reserve(count: number): number {
    const at = this.length;
    const needed = at + count;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
    }
    this.length = needed;
    return at;
  }
}

/** Base-128 varint of a non-negative integer below 2^64, least significant 7-bit group first. */
export function encodeVarint(value: number | bigint): Uint8Array {
  const big = typeof value === 'bigint' ? value : BigInt(checkSafeInteger(value));
  if (big < 0n || big > UINT64_MASK) throw new RangeError(`varint out of range: ${big}`);
  const out: number[] = [];
  let rest = big;
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return Uint8Array.from(out);
}

function checkSafeInteger(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  return value;
}
