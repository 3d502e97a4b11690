/**
 * CRC-32C (Castagnoli) and the "masked" form TFRecord files store.
 *
 * TFRecord checksums use the Castagnoli polynomial, not the zlib CRC-32 that `node:zlib` exposes
 * (and `zlib.crc32` only exists from Node 22), so this is a small table-driven implementation.
 * Speed is not a concern: one record of a few hundred bytes is checksummed per training step.
 */

/** Reflected form of the Castagnoli polynomial 0x1EDC6F41. */
const CASTAGNOLI_REFLECTED = 0x82f63b78;

/** TFRecord's mask delta (from TensorFlow's `crc32c::Mask`). */
const MASK_DELTA = 0xa282ead8;

const TABLE: Uint32Array = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI_REFLECTED : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * CRC-32C of `bytes` as an unsigned 32-bit number. Pass a previous result as `crc` to continue a
 * checksum over data that arrives in pieces.
 *
 * @example crc32c(new TextEncoder().encode('123456789')) === 0xe3069283
 */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i += 1) {
    // The index is always 0..255, so the lookup cannot miss; `?? 0` only satisfies the checker.
    c = (TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  }
  return ~c >>> 0;
}

/**
 * TFRecord's masked CRC: rotate right by 15 bits and add a constant, modulo 2^32. TensorFlow
 * masks stored checksums because computing the CRC of a string that itself contains embedded
 * CRCs is otherwise prone to degenerate results.
 */
export function maskCrc32c(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Inverse of {@link maskCrc32c}. */
export function unmaskCrc32c(masked: number): number {
  const rotated = (masked - MASK_DELTA) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}

/** The masked CRC-32C of `bytes`, as stored in a TFRecord. */
export function maskedCrc32c(bytes: Uint8Array): number {
  return maskCrc32c(crc32c(bytes));
}
