import type { FastifyReply } from 'fastify';
import type { ChatDriver } from '../drivers/driver-types.ts';
import type { CallContext, CallRuntime } from './call-context.ts';
import type { CallStart } from './call-recorder.ts';
import { closeSse, openEngineStream } from './engine-call.ts';
import { pumpSse } from './sse-pump.ts';
import { withPromptIds } from './unary-chat-call.ts';

/**
 * A streaming pass-through chat call: each complete upstream SSE event is written to the client
 * as soon as it arrives, byte for byte; a decoded copy builds the record. The engine's final
 * `[DONE]` is held back until the record is committed. Failures before the stream opens are
 * plain JSON errors; after it opened, one SSE error event and the end of the stream.
 */
export async function serveStreamingChat(ctx: CallContext, reply: FastifyReply, start: CallStart, runtime: CallRuntime, driver: ChatDriver): Promise<number> {
  const opened = await openEngineStream(ctx, reply, start, runtime, driver.path);
  if (opened === null) return 0;
  const capture = driver.newStreamCapture();
  const outcome = await pumpSse(ctx, start, opened.body, opened.res, runtime.signal, (event, payload) => {
    capture.push(payload);
    return event.raw;
  });
  const clean = outcome.brokenBy === null && outcome.engineError === null;
  const captured = clean ? await withPromptIds(ctx, start, runtime, driver, capture.result()) : capture.result();
  return closeSse(ctx, start, runtime, opened.res, outcome, captured);
}
