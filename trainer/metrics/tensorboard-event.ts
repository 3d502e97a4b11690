/**
 * The two TensorBoard `Event` shapes rollcall writes, and a decoder for reading them back.
 *
 * Field numbers, from tensorboard/compat/proto/event.proto and summary.proto (the same as
 * tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto):
 *
 *   Event   { double wall_time = 1; int64 step = 2;
 *             oneof what { string file_version = 3; Summary summary = 5; ... } }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; oneof value { float simple_value = 2; ...; TensorProto tensor = 8 } }
 *
 * `step` follows proto3 and is left out when it is 0 (the decoder reads a missing step as 0), so
 * the bytes match what TensorFlow's own serializer produces. `simple_value` is always written,
 * even when 0, because it sits in a oneof: a Value without it would carry no value at all.
 */

import {
  doubleFromFixed64,
  floatFromFixed32,
  int64FromVarint,
  readProtobufFields,
  stringFromBytes,
} from './protobuf-reader.ts';
import { ProtobufWriter, WIRE_TYPE } from './protobuf-writer.ts';

/** What TensorBoard expects in the first record of an event file. */
export const EVENT_FILE_VERSION = 'brain.Event:2';

const EVENT = { wallTime: 1, step: 2, fileVersion: 3, summary: 5 } as const;
const SUMMARY = { value: 1 } as const;
const VALUE = { tag: 1, simpleValue: 2 } as const;

/** An `Event` decoded by {@link decodeEvent}; `scalars` keeps file order and duplicate tags. */
export type DecodedEvent = {
  readonly wallTime: number;
  readonly step: number;
  readonly fileVersion: string | undefined;
  readonly scalars: ReadonlyArray<readonly [tag: string, value: number]> | undefined;
};

/** The header event: `{ wall_time, file_version: "brain.Event:2" }`. */
export function encodeFileVersionEvent(wallTimeSeconds: number): Uint8Array {
  return new ProtobufWriter()
    .double(EVENT.wallTime, wallTimeSeconds)
    .string(EVENT.fileVersion, EVENT_FILE_VERSION)
    .finish();
}

/** A summary event with one `simple_value` per entry, in the order given. */
export function encodeScalarsEvent(
  wallTimeSeconds: number,
  step: number,
  scalars: ReadonlyArray<readonly [tag: string, value: number]>,
): Uint8Array {
  const summary = new ProtobufWriter();
  for (const [tag, value] of scalars) {
    const encodedValue = new ProtobufWriter()
      .string(VALUE.tag, tag)
      .float(VALUE.simpleValue, value)
      .finish();
    summary.bytes(SUMMARY.value, encodedValue);
  }
  const event = new ProtobufWriter().double(EVENT.wallTime, wallTimeSeconds);
  if (step !== 0) event.int64(EVENT.step, step);
  return event.bytes(EVENT.summary, summary.finish()).finish();
}

/**
 * Decodes an `Event`, keeping the fields above and skipping every other one (graphs, session
 * logs, and summary values that are not `simple_value`, such as TF2's tensor scalars).
 */
export function decodeEvent(bytes: Uint8Array): DecodedEvent {
  let wallTime = 0;
  let step = 0;
  let fileVersion: string | undefined;
  let scalars: Array<readonly [string, number]> | undefined;
  for (const entry of readProtobufFields(bytes)) {
    if (entry.field === EVENT.wallTime && entry.wireType === WIRE_TYPE.fixed64) {
      wallTime = doubleFromFixed64(entry.bytes);
    } else if (entry.field === EVENT.step && entry.wireType === WIRE_TYPE.varint) {
      // Steps past 2^53 cannot be exact in a number; no trainer gets there.
      step = Number(int64FromVarint(entry.value));
    } else if (entry.field === EVENT.fileVersion && entry.wireType === WIRE_TYPE.lengthDelimited) {
      fileVersion = stringFromBytes(entry.bytes);
    } else if (entry.field === EVENT.summary && entry.wireType === WIRE_TYPE.lengthDelimited) {
      scalars = decodeSummary(entry.bytes);
    }
  }
  return { wallTime, step, fileVersion, scalars };
}

function decodeSummary(bytes: Uint8Array): Array<readonly [string, number]> {
  const scalars: Array<readonly [string, number]> = [];
  for (const entry of readProtobufFields(bytes)) {
    if (entry.field !== SUMMARY.value || entry.wireType !== WIRE_TYPE.lengthDelimited) continue;
    // proto3 leaves an empty tag out of the bytes, so a missing tag reads as ''.
    let tag = '';
    let value: number | undefined;
    for (const part of readProtobufFields(entry.bytes)) {
      if (part.field === VALUE.tag && part.wireType === WIRE_TYPE.lengthDelimited) {
        tag = stringFromBytes(part.bytes);
      } else if (part.field === VALUE.simpleValue && part.wireType === WIRE_TYPE.fixed32) {
        value = floatFromFixed32(part.bytes);
      }
    }
    if (value !== undefined) scalars.push([tag, value]);
  }
  return scalars;
}
