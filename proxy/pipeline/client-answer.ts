import type { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { CallCapture } from '../capture/call-capture.ts';
import type { CallAnswer, ChatStreamEvent } from '../strategies/call-strategy.ts';

/**
 * The pipeline's last stage, the client's side of one call, as an interface: the route that
 * received the call builds it for its dialect (`routes/openai-chat-answer.ts` for OpenAI chat
 * completions). A dialect translated at the edge (Anthropic Messages, OpenAI Responses) renders
 * the same chat-shaped answers and events its own way.
 */

/** How a committed answer that does not reach the client is marked in the record. */
export type LostAnswer = (reason: string) => void;

/**
 * How a stream ends. A stream that did not break carries what was recorded (`capture`): a dialect
 * closes its stream with the recorded usage and stop reason.
 */
export type StreamClose = { tail: readonly ChatStreamEvent[]; done: Buffer | null } & ({ broken: RollcallError; capture?: CallCapture } | { broken: null; capture: CallCapture });

export type ClientStream = {
  /** Writes items in order; false when the client is not reading fast enough (wait for `drained`). */
  write(items: readonly ChatStreamEvent[]): boolean;
  drained(signal: AbortSignal): Promise<void>;
  /**
   * Ends the stream after the record was committed: an error event when it broke, else the
   * closing events (the usage chunk); then the end marker (the engine's own when it sent one).
   * `lost` runs when that end does not reach the client.
   */
  end(close: StreamClose, lost: LostAnswer | null): void;
};

export type ClientAnswer = {
  /** Aborted when the client goes away before its answer is complete. */
  readonly signal: AbortSignal;
  /** Sends a whole answer after its record was committed. */
  sendWhole(answer: CallAnswer, lost: LostAnswer): Promise<void>;
  /** Starts a streamed answer (HTTP 200, headers): from here on, failures travel inside the stream. */
  openStream(): ClientStream;
  /** The call is over: stop watching the connection. */
  release(): void;
};
