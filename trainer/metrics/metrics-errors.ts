import { detailError, hasCode, type RollcallError } from '../../src/errors/rollcall-error.ts';
/**
 * The metrics registry codes (`src/errors/registry.ts`); a metrics error is a RollcallError with one.
 *
 * Programming mistakes (a fractional step, a metric that is not a number) are `RangeError` /
 * `TypeError` instead: they are fixed in code, not handled at run time.
 */

export const METRICS_ERROR_CODES = [
  /** A TFRecord's length or data checksum does not match: the file was damaged. */
  'RC_ERR_METRICS_RECORD_CORRUPT',
  /** The file ends inside a record (a writer crashed or is still writing). */
  'RC_ERR_METRICS_RECORD_TRUNCATED',
  /** A record's bytes are not the protobuf message they should be. */
  'RC_ERR_METRICS_PROTO_MALFORMED',
  /** A write or read after `close()`. */
  'RC_ERR_METRICS_CLOSED',
  /** Opening, writing or closing a metrics file failed at the operating-system level. */
  'RC_ERR_METRICS_IO',
] as const;

export type MetricsErrorCode = (typeof METRICS_ERROR_CODES)[number];

export type MetricsError = RollcallError & { readonly code: MetricsErrorCode };

// Retry per the registry: a full disk or a flaky mount (IO) can recover; corrupt bytes cannot.
export const metricsError = (code: MetricsErrorCode, message: string, cause?: unknown): MetricsError => detailError(code, message, { cause });

export function isMetricsError(value: unknown): value is MetricsError {
  return hasCode(value, METRICS_ERROR_CODES);
}

/** Runs a file-system call, converting its failure to `RC_ERR_METRICS_IO` with the path. */
export function withIo<T>(action: string, path: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw metricsError('RC_ERR_METRICS_IO', `Could not ${action} ${path}`, error);
  }
}
