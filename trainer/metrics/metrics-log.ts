/**
 * `metrics.jsonl` in the run folder: one JSON object per training step,
 *
 *   {"step":12,"time":1735732800.123,"reward/mean":0.4375,"loss/policy":-0.0131}
 *
 * - `time` is the wall clock in seconds since the epoch with millisecond precision — the same
 *   unit as TensorBoard's `wall_time`, and easy to plot or diff.
 * - Metrics keep the caller's order. Integers are written exactly (token counts pass 2^24, where
 *   float32 would round them). Other values are rounded to `significantDigits` significant digits
 *   (default 10): that drops binary noise such as 0.30000000000000004 while keeping three more
 *   digits than the float32 TensorBoard stores. -0 is written as 0.
 * - JSON has no NaN or Infinity. A non-finite value is written as `null` in its place and named in
 *   a `nonFinite` object with its kind, `{"loss":null,"nonFinite":{"loss":"NaN"}}`, so the line
 *   stays valid JSON for every reader and a NaN loss is still visible and distinguishable from a
 *   missing one. `step`, `time` and `nonFinite` are therefore reserved metric names.
 * - Append mode: a resumed run adds lines to the same file, so a step may appear twice after a
 *   crash between writing metrics and saving a checkpoint; the later line is the one to keep. If
 *   a crash cut the last line short, the first append starts a new line, leaving one unparsable
 *   line behind rather than gluing two records together.
 */

import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

import { AppendFile } from './append-file.ts';
import { checkStepMetrics, type MetricRecord } from './metric-checks.ts';
import { withIo } from './metrics-errors.ts';

export const RESERVED_METRIC_NAMES: ReadonlySet<string> = new Set(['step', 'time', 'nonFinite']);

export type MetricsLogOptions = {
  /** Path of the log, usually `<runDir>/metrics.jsonl`; its directory is created if missing. */
  readonly path: string;
  /** Clock in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Significant digits kept for non-integer values, 1–17 (default 10). */
  readonly significantDigits?: number;
  /** fsync after each line (default false). */
  readonly fsync?: boolean;
};

export type NonFiniteKind = 'NaN' | 'Infinity' | '-Infinity';

export class MetricsLog {
  private constructor(
    private readonly file: AppendFile,
    private readonly now: () => number,
    private readonly significantDigits: number,
  ) {}

  static open(options: MetricsLogOptions): MetricsLog {
    const digits = options.significantDigits ?? 10;
    if (!Number.isInteger(digits) || digits < 1 || digits > 17) {
      throw new RangeError(`significantDigits must be an integer from 1 to 17, got ${digits}`);
    }
    const dir = dirname(options.path);
    withIo('create', dir, () => mkdirSync(dir, { recursive: true }));
    const needsNewline = endsWithoutNewline(options.path);
    const file = AppendFile.open(options.path, { fsync: options.fsync === true });
    if (needsNewline) file.write('\n');
    return new MetricsLog(file, options.now ?? Date.now, digits);
  }

  get path(): string {
    return this.file.path;
  }

  /**
   * Appends the line for `step`, timed `atMs` (default: now). Everything is checked before the
   * write: `RangeError` for a bad step or a reserved or empty name, `TypeError` for a non-number.
   */
  append(step: number, metrics: MetricRecord, atMs: number = this.now()): void {
    const line = formatMetricsLine(step, atMs, metrics, this.significantDigits);
    this.file.write(line);
  }

  /** Closes the file; a second call does nothing. */
  close(): void {
    this.file.close();
  }
}

/** One JSON line, newline included: `{ step, time, ...metrics, nonFinite? }`. */
export function formatMetricsLine(
  step: number,
  timeMs: number,
  metrics: MetricRecord,
  significantDigits = 10,
): string {
  const entries = checkStepMetrics(step, metrics);
  const record: Array<readonly [string, number | null | Record<string, NonFiniteKind>]> = [
    ['step', step],
    ['time', Math.round(timeMs) / 1000],
  ];
  const nonFinite: Array<readonly [string, NonFiniteKind]> = [];
  for (const [name, value] of entries) {
    if (RESERVED_METRIC_NAMES.has(name)) {
      throw new RangeError(`"${name}" is reserved in metrics.jsonl; rename the metric`);
    }
    if (Number.isFinite(value)) {
      record.push([name, roundMetric(value, significantDigits)]);
    } else {
      record.push([name, null]);
      nonFinite.push([name, Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity']);
    }
  }
  if (nonFinite.length > 0) record.push(['nonFinite', Object.fromEntries(nonFinite)]);
  // fromEntries makes own properties, so even a metric named "__proto__" is serialized.
  return `${JSON.stringify(Object.fromEntries(record))}\n`;
}

/** Integers unchanged; other finite values to `digits` significant digits; -0 as 0. */
export function roundMetric(value: number, digits = 10): number {
  if (value === 0) return 0;
  if (Number.isInteger(value)) return value;
  return Number(value.toPrecision(digits));
}

/** True when `path` exists, is not empty and its last byte is not a newline. */
function endsWithoutNewline(path: string): boolean {
  const size = withIo('stat', path, () => statSync(path, { throwIfNoEntry: false })?.size ?? 0);
  if (size === 0) return false;
  return withIo('read', path, () => {
    const fd = openSync(path, 'r');
    try {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      return last[0] !== 0x0a;
    } finally {
      closeSync(fd);
    }
  });
}
