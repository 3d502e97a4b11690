import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { SseDecoder } from '../../src/sse/sse-decoder.ts';
import type { CallError } from '../../src/store/records.ts';
import type { StreamReader } from '../strategies/call-strategy.ts';
import { readEngineErrorMessage } from '../upstream/map-upstream-error.ts';
import type { ClientStream, ClientStreamItem } from './client-answer.ts';

export type PumpOutcome = {
  /** The engine's `[DONE]` event, held back until the record is committed. */
  done: Buffer | null;
  /** An error the engine sent as an SSE event after HTTP 200 (passed on to the client). */
  engineError: CallError | null;
  /** Why the stream broke (the client gets one SSE error event for it). */
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
function handleEvent(input: PumpInput, outcome: PumpOutcome, data: string, raw: Buffer): ClientStreamItem[] | null {
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
    outcome.engineError = { code: 'RC_ERR_UPSTREAM_STREAM_BROKEN', message: readEngineErrorMessage(data) };
    return [{ engineError: payload.error, raw }];
  }
  return input.reader.push(payload, raw);
}

/**
 * Reads an engine's SSE stream and writes the client's events as the engine's arrive, honouring
 * backpressure. Only whole events are handled, so a stream cut mid-event never reaches the client
 * torn. Engine error events are passed on; a broken or unreadable stream is reported in the
 * outcome, and an aborted client simply ends the loop.
 */
export async function pumpSse(input: PumpInput): Promise<PumpOutcome> {
  const { signal, client } = input;
  const decoder = new SseDecoder();
  const outcome: PumpOutcome = { done: null, engineError: null, brokenBy: null, ttftMs: null };
  try {
    for await (const piece of input.body) {
      const events = decoder.push(piece);
      if (events.length === 0) continue;
      outcome.ttftMs ??= performance.now() - input.startedMs;
      const out: ClientStreamItem[] = [];
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
  if (input.requireDone && outcome.brokenBy === null && outcome.done === null && outcome.engineError === null && !signal.aborted) {
    outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: 'the engine ended the stream before [DONE]' });
  }
  return outcome;
}
