import { readFileSync } from 'node:fs';
import { SseDecoder, type SseEvent } from '../../src/sse/sse-decoder.ts';

/** Reading the engine fixtures of `test/fixtures/<engine>/`. */
const FIXTURES = new URL('../fixtures/', import.meta.url);

export const fixtureText = (engine: string, name: string): string => readFileSync(new URL(`${engine}/${name}`, FIXTURES), 'utf8');

export const fixtureJson = (engine: string, name: string): unknown => JSON.parse(fixtureText(engine, name));

/**
 * A fixture SSE stream split into events by the proxy's own decoder, fed in small byte pieces
 * (so events and UTF-8 characters straddle chunk boundaries, as on a real socket).
 */
export function fixtureEvents(engine: string, name: string, pieceBytes = 7): SseEvent[] {
  const bytes = Buffer.from(fixtureText(engine, name));
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  for (let i = 0; i < bytes.length; i += pieceBytes) events.push(...decoder.push(bytes.subarray(i, i + pieceBytes)));
  if (decoder.leftover !== 0) throw new Error(`${name} ends inside an event`);
  return events;
}

/** The JSON payloads of a fixture stream, without `[DONE]`: what a stream capture is fed. */
export const fixturePayloads = (engine: string, name: string): unknown[] =>
  fixtureEvents(engine, name)
    .filter((event) => event.data !== '[DONE]')
    .map((event) => JSON.parse(event.data) as unknown);

/** Copies a JSON fixture so a test can vary one field without touching the others. */
export const cloneJson = <T>(value: T): T => structuredClone(value);
