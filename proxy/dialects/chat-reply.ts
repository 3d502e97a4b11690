import type { ChatMessage, WireToolCall } from '../../src/wire/openai-chat.ts';
import type { CallCapture } from '../capture/call-capture.ts';

/**
 * The reply of a chat answer as a dialect renders it: choice 0 of the chat completion the
 * pipeline produced (dialects ask for one choice). The same reading serves a whole answer, a
 * stream's recorded answer and a stored call, so all three render alike.
 */
export type ChatReply = {
  model: string;
  content: string | null;
  reasoning: string | null;
  toolCalls: WireToolCall[];
  finishReason: string | null;
  /** What stopped a 'stop' finish: a stop string, a token id, or null for the model's EOS. */
  stopReason: string | number | null;
};

type RawToolCall = { id?: unknown; type?: unknown; function?: { name?: unknown; arguments?: unknown } };
type RawChoice = {
  index?: number;
  message?: { content?: unknown; reasoning?: unknown; reasoning_content?: unknown; tool_calls?: RawToolCall[] | null };
  finish_reason?: string | null;
  stop_reason?: string | number | null;
};

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function toolCallsOf(raw: RawToolCall[] | null | undefined): WireToolCall[] {
  return (raw ?? []).flatMap((call) =>
    call.function === undefined || (call.type !== undefined && call.type !== 'function')
      ? []
      : [{ id: String(call.id ?? ''), type: 'function' as const, function: { name: String(call.function.name ?? ''), arguments: String(call.function.arguments ?? '') } }],
  );
}

/** Choice 0 of a chat completion (the engine's, the proxy's, or a stored one); `capture` adds the stop reason token mode keeps there. */
export function chatReply(completion: unknown, capture?: Pick<CallCapture, 'choices'>): ChatReply {
  const body = (completion ?? {}) as { model?: unknown; choices?: RawChoice[] };
  const choice = body.choices?.find((c) => (c.index ?? 0) === 0) ?? body.choices?.[0];
  const message = choice?.message ?? {};
  const captured = capture?.choices.find((c) => c.index === 0);
  return {
    model: typeof body.model === 'string' ? body.model : '',
    // Empty text is no text: neither dialect can carry an empty text block apart from none.
    content: text(message.content),
    reasoning: text(message.reasoning) ?? text(message.reasoning_content),
    toolCalls: toolCallsOf(message.tool_calls),
    finishReason: choice?.finish_reason ?? captured?.finishReason ?? null,
    stopReason: choice?.stop_reason ?? captured?.stopReason ?? null,
  };
}

/**
 * The reply as an assistant message of a later chat request. A dialect's history translates back
 * to exactly this (text, tool call ids and arguments text, reasoning), so the rollout's
 * conversation index finds the turn it continues.
 */
export function assistantMessage(reply: Pick<ChatReply, 'content' | 'reasoning' | 'toolCalls'>): ChatMessage {
  return {
    role: 'assistant',
    content: reply.content,
    ...(reply.toolCalls.length > 0 ? { tool_calls: reply.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { ...call.function } })) } : {}),
    ...(reply.reasoning === null ? {} : { reasoning: reply.reasoning }),
  };
}
