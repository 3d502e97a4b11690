import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { SseDecoder } from '../../src/sse/sse-decoder.ts';
import type { ChatStreamEvent, StreamReader } from '../strategies/call-strategy.ts';
import { readEngineErrorMessage } from '../upstream/map-upstream-error.ts';
import type { ClientStream } from './client-answer.ts';

export type PumpOutcome = {
  /** The engine's `[DONE]` event, held back until the record is committed. */
  done: Buffer | null;
  /** Why the stream broke, an error event of the engine's included (the client gets one SSE error event for it). */
  brokenBy: RollcallError | null;
  /** Time from the call's start to the engine's first event. */
  ttftMs: number | null;
};

export type PumpInput = {
  body: AsyncIterable<Uint8Array>;
  reader: StreamReader;
  client: ClientStream;
  signal: AbortSignal;
  startedMs: number;
  /** False for engines whose stream ends without `data: [DONE]`. */
  requireDone: boolean;
  /** Turns a transport failure into a registry error (upstream/map-upstream-error.ts). */
  mapError: (error: unknown) => RollcallError;
};

/** The client's items for one engine event; null when the stream cannot go on. */
function handleEvent(input: PumpInput, outcome: PumpOutcome, data: string, raw: Buffer): ChatStreamEvent[] | null {
  if (data === '[DONE]') {
    outcome.done = raw;
    return [];
  }
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(data) as Record<string, unknown>;
  } catch {
    outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: 'an SSE event is not JSON' });
    return null;
  }
  if (payload.error !== undefined) {
    // vLLM reports a failure after its 200 as `data: {"error": {...}}` (then [DONE]); the client
    // gets it as rollcall's error event with a registry code, like every other failure.
    outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_ERROR_EVENT', { detail: readEngineErrorMessage(data) });
    return null;
  }
  return input.reader.push(payload, raw);
}

/**
 * Reads an engine's SSE stream and writes the client's events as the engine's arrive, honouring
 * backpressure. Only whole events are handled, so a stream cut mid-event never reaches the client
 * torn. An engine's error event, or a broken or unreadable stream, ends the loop and is reported
 * in the outcome; an aborted call simply ends the loop.
 */
export async function pumpSse(input: PumpInput): Promise<PumpOutcome> {
  const { signal, client } = input;
  const decoder = new SseDecoder();
  const outcome: PumpOutcome = { done: null, brokenBy: null, ttftMs: null };
  try {
    for await (const piece of input.body) {
      const events = decoder.push(piece);
      if (events.length === 0) continue;
      outcome.ttftMs ??= performance.now() - input.startedMs;
      const out: ChatStreamEvent[] = [];
      for (const event of events) {
        const items = handleEvent(input, outcome, event.data, event.raw);
        if (items === null) break;
        out.push(...items);
      }
      if (!client.write(out)) await client.drained(signal);
      if (outcome.brokenBy !== null) break;
    }
  } catch (error) {
    if (!signal.aborted) {
      const cause = input.mapError(error);
      outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: cause.message }, { cause });
    }
  }
  if (input.requireDone && outcome.brokenBy === null && outcome.done === null && !signal.aborted) {
    outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: 'the engine ended the stream before [DONE]' });
  }
  return outcome;
}
