/**
 * TFRecord framing, the container format of TensorBoard event files. Each record is
 *
 *   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes
 *   | data[length] | uint32 masked CRC-32C of the data
 *
 * (TensorFlow `core/lib/io/record_writer.cc`). The reader verifies both checksums, so a flipped
 * bit anywhere in a record is reported rather than turned into a wrong number on a chart.
 */

import { maskedCrc32c } from './crc32c.ts';
import { metricsError } from './metrics-errors.ts';

/** Bytes of framing around each record's data: 8 length + 4 + 4 checksums. */
export const TFRECORD_OVERHEAD_BYTES = 16;

/** Frames `data` as one TFRecord. */
export function encodeTfRecord(data: Uint8Array): Uint8Array {
  const record = new Uint8Array(data.length + TFRECORD_OVERHEAD_BYTES);
  const view = new DataView(record.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(record.subarray(0, 8)), true);
  record.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return record;
}

export type DecodeTfRecordsOptions = {
  /**
   * Stop quietly at a record cut short by the end of the input instead of throwing
   * `RC_ERR_METRICS_RECORD_TRUNCATED`. A writer that is still running, or that crashed in the
   * middle of a write, leaves such a tail; TensorBoard itself waits for the rest. Checksum
   * mismatches are always errors.
   */
  readonly allowTruncatedTail?: boolean;
};

/**
 * Yields the data of each record in `file`, in order, after checking both checksums. The
 * yielded arrays view `file` without copying.
 */
export function* decodeTfRecords(
  file: Uint8Array,
  options: DecodeTfRecordsOptions = {},
): Generator<Uint8Array> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let at = 0;
  let index = 0;
  while (at < file.length) {
    if (file.length - at < 12) {
      if (options.allowTruncatedTail === true) return;
      throw truncated(index, at);
    }
    const lengthCrc = view.getUint32(at + 8, true);
    if (maskedCrc32c(file.subarray(at, at + 8)) !== lengthCrc) {
      throw corrupt(index, at, 'length');
    }
    const length = view.getBigUint64(at, true);
    const dataStart = at + 12;
    if (length + 4n > BigInt(file.length - dataStart)) {
      if (options.allowTruncatedTail === true) return;
      throw truncated(index, at);
    }
    const dataEnd = dataStart + Number(length);
    const data = file.subarray(dataStart, dataEnd);
    if (maskedCrc32c(data) !== view.getUint32(dataEnd, true)) throw corrupt(index, at, 'data');
    yield data;
    at = dataEnd + 4;
    index += 1;
  }
}

function corrupt(index: number, offset: number, part: 'length' | 'data'): Error {
  return metricsError(
    'RC_ERR_METRICS_RECORD_CORRUPT',
    `TFRecord ${index} at byte ${offset}: the ${part} checksum does not match`,
  );
}

function truncated(index: number, offset: number): Error {
  return metricsError(
    'RC_ERR_METRICS_RECORD_TRUNCATED',
    `TFRecord ${index} at byte ${offset} is cut short by the end of the file`,
  );
}
