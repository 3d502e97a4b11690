import type { ServerResponse } from 'node:http';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { SseDecoder, type SseEvent } from '../../src/sse/sse-decoder.ts';
import type { CallError } from '../../src/store/records.ts';
import { mapUpstreamError, readEngineErrorMessage } from '../upstream/map-upstream-error.ts';
import type { CallContext } from './call-context.ts';
import type { CallStart } from './call-recorder.ts';

export type PumpOutcome = {
  /** The engine's `[DONE]` event, held back until the record is committed. */
  done: Buffer | null;
  /** An error the engine sent as an SSE event after HTTP 200 (forwarded to the client). */
  engineError: CallError | null;
  /** Why the stream broke (the client gets one SSE error event for it). */
  brokenBy: RollcallError | null;
  /** Time from the call's start to the engine's first event. */
  ttftMs: number | null;
};

/** What to write to the client for one decoded upstream event. */
export type EventHandler = (event: SseEvent, payload: Record<string, unknown>) => string | Buffer | null;

function waitDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Reads an engine's SSE stream and writes to the client as events arrive, honouring
 * backpressure. Only whole events are handled, so a stream cut mid-event never reaches the client
 * torn. Engine error events are forwarded as they are; a broken or unreadable stream is reported
 * in the outcome, and an aborted client simply ends the loop.
 */
export async function pumpSse(ctx: CallContext, start: CallStart, body: AsyncIterable<Uint8Array>, res: ServerResponse, signal: AbortSignal, handle: EventHandler, requireDone = true): Promise<PumpOutcome> {
  const decoder = new SseDecoder();
  const outcome: PumpOutcome = { done: null, engineError: null, brokenBy: null, ttftMs: null };
  try {
    for await (const chunk of body) {
      const events = decoder.push(chunk);
      if (events.length === 0) continue;
      outcome.ttftMs ??= performance.now() - start.startedMs;
      const out: (string | Buffer)[] = [];
      for (const event of events) {
        if (event.data === '[DONE]') {
          outcome.done = event.raw;
          continue;
        }
        let payload: Record<string, unknown>;
        try {
          payload = JSON.parse(event.data) as Record<string, unknown>;
        } catch {
          outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: 'an SSE event is not JSON' });
          break;
        }
        if (payload.error !== undefined) {
          outcome.engineError = { code: 'RC_ERR_UPSTREAM_STREAM_BROKEN', message: readEngineErrorMessage(event.data) };
          out.push(event.raw);
          continue;
        }
        const written = handle(event, payload);
        if (written !== null) out.push(written);
      }
      if (out.length > 0 && !res.write(out.length === 1 ? (out[0] as string | Buffer) : Buffer.concat(out.map((o) => (typeof o === 'string' ? Buffer.from(o) : o))))) {
        await waitDrain(res, signal);
      }
      if (outcome.brokenBy !== null) break;
    }
  } catch (error) {
    if (!signal.aborted) {
      const cause = mapUpstreamError(error, start.replica, ctx.engineConfig);
      outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: cause.message }, { cause });
    }
  }
  if (requireDone && outcome.brokenBy === null && outcome.done === null && outcome.engineError === null && !signal.aborted) {
    outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: 'the engine ended the stream before [DONE]' });
  }
  return outcome;
}
