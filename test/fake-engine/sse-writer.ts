/**
 * Writes precomputed stream events as SSE (`data: <json>\n\n`, no `event:` lines), applying the
 * streaming faults. Token thresholds count generated tokens already written: the check runs before
 * each event after the first token-carrying one, so `0` cuts right after the role chunks and the
 * total token count cuts before the usage chunk and `[DONE]`.
 *
 * A mid-stream error is written like vLLM's `create_streaming_error_response`, i.e. Python
 * `json.dumps` of the error body (note the spaces), followed by `data: [DONE]`.
 */
import type { ServerResponse } from 'node:http';

import { errorBody } from './errors.ts';
import type { Faults } from './faults.ts';
import { sleep, writeChunk } from './http-io.ts';
import { pyJsonDumps } from './py-json.ts';
import type { StreamGate } from './stream-gate.ts';

/** One SSE event: its `data:` payload and how many generated tokens it carries. */
export interface StreamEvent {
  data: string;
  tokens: number;
}

export const DONE_EVENT: StreamEvent = Object.freeze({ data: '[DONE]', tokens: 0 });

/** Starlette's `StreamingResponse(media_type="text/event-stream")`. */
const STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8' };

function thresholdReached(limit: number | null, sent: number, event: StreamEvent, sawTokens: boolean): boolean {
  return limit !== null && sent >= limit && (event.tokens > 0 || sawTokens);
}

export async function writeSseStream(
  res: ServerResponse,
  events: readonly StreamEvent[],
  faults: Readonly<Faults>,
  signal: AbortSignal,
  gate: StreamGate,
): Promise<void> {
  res.writeHead(200, STREAM_HEADERS);
  res.flushHeaders();
  await sleep(faults.firstByteDelayMs, signal);
  let sent = 0;
  let sawTokens = false;
  let isFirst = true;
  for (const event of events) {
    if (signal.aborted || res.destroyed) {
      res.destroy();
      return;
    }
    if (thresholdReached(faults.disconnectAfterTokens, sent, event, sawTokens)) {
      res.destroy();
      return;
    }
    if (thresholdReached(faults.errorEventAfterTokens, sent, event, sawTokens)) {
      const message = faults.errorMessage ?? 'Internal server error';
      await writeChunk(res, `data: ${pyJsonDumps(errorBody(500, message))}\n\ndata: [DONE]\n\n`);
      res.end();
      return;
    }
    if (!isFirst) await sleep(faults.tokenDelayMs, signal);
    if (!isFirst) await gate.pass(signal);
    isFirst = false;
    await writeChunk(res, `data: ${event.data}\n\n`);
    sent += event.tokens;
    sawTokens ||= event.tokens > 0;
  }
  res.end();
}
