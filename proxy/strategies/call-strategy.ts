import type { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { CallFlags, CallMode, Dialect } from '../../src/store/records.ts';
import type { ChatRequest, WireChatChunk } from '../../src/wire/openai-chat.ts';
import type { CallCapture } from '../capture/call-capture.ts';
import type { Lookup, MessagesKey } from '../conversation/conversation-index.ts';
import type { EngineHttp } from '../drivers/driver-types.ts';
import type { CallBudget } from '../rollouts/call-budget.ts';
import type { OpenRollout } from '../rollouts/rollout-registry.ts';

/**
 * The seam between the call pipeline (`proxy/pipeline/`) and the two ways of asking an engine for
 * a chat answer: chat pass-through and token mode, each a folder beside this file. The pipeline
 * admits a call, asks the engine's strategy to prepare it, sends what was prepared, hands the
 * answer (whole or as a stream) back to the prepared call, records the outcome and answers the
 * client. A strategy never sends, records or writes to the client itself.
 *
 * What comes back is chat-shaped (a chat completion, or chat chunks with at most one choice
 * entry each), so an edge that speaks another dialect can translate it; the OpenAI chat edge
 * writes `raw` bytes untouched where a strategy passes the engine's own through.
 */

/** The API a call came in, and the id its answer has there (`msg_…`, `resp_…`; null for chat). */
export type CallDialect = { readonly name: Dialect; readonly answerId: string | null };

/** One chat call, built once when it is admitted; later stages extend it by their return values. */
export type ChatCall = {
  readonly rollout: OpenRollout;
  /** The chat request (a dialect's body translated at the edge). */
  readonly request: ChatRequest;
  /** The body exactly as the client sent it, in its dialect. */
  readonly requestJson: string;
  readonly dialect: CallDialect;
  readonly seq: number;
  readonly isStream: boolean;
  /** The choices the client asked for (`n`). */
  readonly choicesAsked: number;
  /** The rollout's bound on each choice's completion tokens (per-turn cap, the total budget's share). */
  readonly budget: CallBudget;
  readonly policyVersion: number;
  /** Where the messages sit in the rollout's conversation: a continuation, a retry, or fresh. */
  readonly conversation: { readonly key: MessagesKey; readonly lookup: Lookup };
  /** Aborted when the client goes away before its answer is complete. */
  readonly signal: AbortSignal;
  /** Requests to the replica serving this rollout (rendering, counting). */
  readonly http: EngineHttp;
  readonly startedAt: number;
  readonly startedMs: number;
};

/** One stream event for the client: a chat chunk, and the engine's own bytes when they are passed through. */
export type ChatStreamEvent = { readonly chunk: WireChatChunk; readonly raw: Buffer | null };

/** What a call found that the record keeps: flags, and why the call cannot be trained on. */
export type CallFindings = { readonly flags: CallFlags; readonly reason: string | null };

/** A whole answer: what the client gets and what is recorded. */
export type CallAnswer = CallFindings & {
  /** The chat completion (chat-shaped, whatever the engine spoke). */
  readonly completion: unknown;
  /** The engine's bytes, sent untouched by the chat edge; null when the completion is the answer. */
  readonly raw: Buffer | null;
  readonly capture: CallCapture;
};

/** How a streamed answer ended, as the strategy saw it. */
export type StreamEnd = CallFindings & {
  readonly capture: CallCapture;
  /** Why the stream is broken though the engine ended it (a sequence left unfinished). */
  readonly broken: RollcallError | null;
  /** Events written after the record is committed, before `[DONE]` (the usage chunk). */
  readonly tail: readonly ChatStreamEvent[];
};

/** Reads one call's engine stream, event by event, in order. */
export type StreamReader = {
  /** One decoded engine event → the client's events for it (none is fine). */
  push(payload: Record<string, unknown>, raw: Buffer): ChatStreamEvent[];
  /** Called once when the engine stream is over; `clean`: it ended without an error. */
  finish(clean: boolean): Promise<StreamEnd>;
};

/** A call made ready to send: the exact request, and how to read its answer. */
export type PreparedCall = {
  readonly path: string;
  /** The body sent to the engine, serialized once. */
  readonly json: string;
  /** How the sent body is stored (`src/store/sent-record.ts`). */
  readonly stored: string;
  /** The engine's stream ends without `data: [DONE]` (llama.cpp's native `/completion`). */
  readonly streamEndsWithoutDone: boolean;
  /** A whole engine answer (parsed JSON and its bytes); throws a registry error when unreadable. */
  readAnswer(json: unknown, bytes: Buffer): Promise<CallAnswer>;
  openStream(): StreamReader;
};

/** One way of getting a chat answer from an engine; chosen once per engine. */
export type CallStrategy = {
  readonly mode: CallMode;
  /** Builds the engine request; may ask the engine first (rendering, counting prompt tokens). */
  prepare(call: ChatCall): Promise<PreparedCall>;
  /** The prompt tokens `request` renders to on this engine (Anthropic's count_tokens); a registry error where it cannot count. */
  countPromptTokens(request: ChatRequest, http: EngineHttp, signal: AbortSignal): Promise<number>;
};
