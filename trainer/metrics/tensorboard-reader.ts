/**
 * Reads TensorBoard event files back: every record's checksums are verified, then each summary
 * event becomes `{ step, wallTime, scalars }`. Used by the tests and by the trainer's end-to-end
 * test to check what a run wrote, so it is strict: a damaged file throws instead of yielding
 * fewer points.
 *
 * Values come back as float32 (what `simple_value` holds): compare with `Math.fround(x)`.
 *
 * @example
 * const [file] = listEventFiles(runDir);
 * const events = readScalarEvents(file);   // [{ step: 1, wallTime: 1.7e9, scalars: {...} }, ...]
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { withIo } from './metrics-errors.ts';
import { decodeEvent } from './tensorboard-event.ts';
import { EVENT_FILE_PREFIX } from './tensorboard-writer.ts';
import { decodeTfRecords, type DecodeTfRecordsOptions } from './tfrecord.ts';

/** One step's scalars. `wallTime` is in seconds since the epoch, as in the file. */
export type ScalarEvent = {
  readonly step: number;
  readonly wallTime: number;
  readonly scalars: Readonly<Record<string, number>>;
};

export type EventFileContents = {
  /** The header's `file_version` (`"brain.Event:2"` for files rollcall writes). */
  readonly fileVersion: string | undefined;
  /** Wall time of the header event, in seconds. */
  readonly startWallTime: number | undefined;
  /** Summary events in file order; events without scalars are left out. */
  readonly events: readonly ScalarEvent[];
};

/** Parses an event file's bytes; throws `RC_ERR_METRICS_*` errors on damage. */
export function parseEventFile(
  bytes: Uint8Array,
  options: DecodeTfRecordsOptions = {},
): EventFileContents {
  let fileVersion: string | undefined;
  let startWallTime: number | undefined;
  const events: ScalarEvent[] = [];
  for (const record of decodeTfRecords(bytes, options)) {
    const event = decodeEvent(record);
    if (event.fileVersion !== undefined && fileVersion === undefined) {
      fileVersion = event.fileVersion;
      startWallTime = event.wallTime;
    }
    if (event.scalars === undefined || event.scalars.length === 0) continue;
    // fromEntries defines own properties, so a tag such as "__proto__" survives as a key;
    // a tag repeated within one event keeps its last value, as TensorBoard does.
    events.push({
      step: event.step,
      wallTime: event.wallTime,
      scalars: Object.fromEntries(event.scalars),
    });
  }
  return { fileVersion, startWallTime, events };
}

/** Reads and parses the event file at `path`. */
export function readEventFile(
  path: string,
  options: DecodeTfRecordsOptions = {},
): EventFileContents {
  const bytes = withIo('read', path, () => readFileSync(path));
  return parseEventFile(bytes, options);
}

/** The scalar events of the file at `path`: `{ step, wallTime, scalars }[]`. */
export function readScalarEvents(
  path: string,
  options: DecodeTfRecordsOptions = {},
): readonly ScalarEvent[] {
  return readEventFile(path, options).events;
}

/** Full paths of the event files directly in `logDir`, oldest first (names start with time). */
export function listEventFiles(logDir: string): string[] {
  const names = withIo('list', logDir, () => readdirSync(logDir));
  return names
    .filter((name) => name.startsWith(EVENT_FILE_PREFIX))
    .sort(compareEventFileNames)
    .map((name) => join(logDir, name));
}

/** Orders by the numeric timestamp field, then by name, so 999… sorts before 1000…. */
function compareEventFileNames(a: string, b: string): number {
  const seconds = (name: string): number =>
    Number(name.slice(EVENT_FILE_PREFIX.length).split('.')[0]);
  return seconds(a) - seconds(b) || (a < b ? -1 : a > b ? 1 : 0);
}
