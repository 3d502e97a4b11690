/**
 * Writes TensorBoard event files natively: no TensorFlow, no protobuf library.
 *
 * The file is `events.out.tfevents.<unix seconds>.<hostname>[suffix]` in the log directory.
 * Its first record is the header event (`file_version: "brain.Event:2"`); each `addScalars`
 * call then appends one summary event holding every metric of that step as a `simple_value`.
 *
 * Values are stored as float32, as `simple_value` is a `float`: precision beyond ~7 significant
 * digits is lost and magnitudes past 3.4e38 become ±Infinity (metrics.jsonl keeps the full
 * values). NaN and ±Infinity are written as they are — TensorBoard reads and plots them, and a
 * loss turning NaN is exactly what the chart should show.
 *
 * Durability is {@link AppendFile}'s: each step is one unbuffered append, flushed to the OS
 * before `addScalars` returns (optionally fsync'd). A resumed run opens a new file (a new
 * timestamp); TensorBoard merges the files of a directory by step.
 *
 * @example
 * const writer = TensorBoardWriter.open({ logDir: 'runs/math/grpo-20250101-120000' });
 * writer.addScalars(1, { 'reward/mean': 0.42, 'loss/policy': -0.013 });
 * writer.close();
 */

import { mkdirSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';

import { AppendFile } from './append-file.ts';
import { checkStepMetrics, type MetricRecord } from './metric-checks.ts';
import { withIo } from './metrics-errors.ts';
import { encodeFileVersionEvent, encodeScalarsEvent } from './tensorboard-event.ts';
import { encodeTfRecord } from './tfrecord.ts';

/** TensorBoard only loads files whose name contains this. */
export const EVENT_FILE_PREFIX = 'events.out.tfevents.';

export type TensorBoardWriterOptions = {
  /** Directory for the event file; created if missing. TensorBoard names the run after it. */
  readonly logDir: string;
  /** Clock in milliseconds since the epoch (default `Date.now`); tests pass a fixed one. */
  readonly now?: () => number;
  /** Host part of the file name (default `os.hostname()`). */
  readonly hostname?: string;
  /** Appended to the file name, e.g. `.eval`, to keep two writers of one second apart. */
  readonly filenameSuffix?: string;
  /** fsync after each step (default false). */
  readonly fsync?: boolean;
};

export class TensorBoardWriter {
  private constructor(
    private readonly file: AppendFile,
    private readonly now: () => number,
  ) {}

  /** Creates the log directory and the event file and writes the header event. */
  static open(options: TensorBoardWriterOptions): TensorBoardWriter {
    const now = options.now ?? Date.now;
    const openedAtMs = now();
    withIo('create', options.logDir, () => mkdirSync(options.logDir, { recursive: true }));
    const name = eventFileName(
      openedAtMs,
      options.hostname ?? osHostname(),
      options.filenameSuffix ?? '',
    );
    const file = AppendFile.open(join(options.logDir, name), { fsync: options.fsync === true });
    try {
      // Only a same-second restart finds the file non-empty; it already has its header.
      if (file.size() === 0) file.write(encodeTfRecord(encodeFileVersionEvent(openedAtMs / 1000)));
    } catch (error) {
      file.close();
      throw error;
    }
    return new TensorBoardWriter(file, now);
  }

  /** Full path of the event file. */
  get path(): string {
    return this.file.path;
  }

  /**
   * Appends one event for `step`, timed `atMs` (default: now), with every metric as a scalar in
   * insertion order. A step with
   * no metrics writes nothing. Throws `RangeError`/`TypeError` on a bad step or metric, and
   * `RC_ERR_METRICS_CLOSED` after `close()`.
   */
  addScalars(step: number, scalars: MetricRecord, atMs: number = this.now()): void {
    const entries = checkStepMetrics(step, scalars);
    this.file.assertOpen();
    if (entries.length === 0) return;
    this.file.write(encodeTfRecord(encodeScalarsEvent(atMs / 1000, step, entries)));
  }

  /** Closes the file; a second call does nothing. */
  close(): void {
    this.file.close();
  }
}

/** `events.out.tfevents.<seconds>.<host><suffix>`; path separators become `_`. */
export function eventFileName(atMs: number, host: string, suffix = ''): string {
  const seconds = Math.floor(atMs / 1000);
  const name = `${EVENT_FILE_PREFIX}${seconds}.${host || 'localhost'}${suffix}`;
  return name.replace(/[/\\]/g, '_');
}
