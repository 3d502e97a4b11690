import { randomBytes } from 'node:crypto';
import type { Usage } from '../../../src/store/records.ts';
import type { AnthropicContentBlock, AnthropicMessage, AnthropicStopReason, AnthropicUsage } from '../../../src/wire/anthropic-messages.ts';
import type { ChatReply } from '../chat-reply.ts';

/**
 * A chat reply rendered as an Anthropic message: reasoning as a `thinking` block (open-weight
 * reasoning has no signature, so it is empty), the text as one `text` block, each tool call as a
 * `tool_use` block keeping the call's id and its arguments parsed into `input`.
 */
export const newMessageId = (): string => `msg_${randomBytes(12).toString('hex')}`;

/** Arguments text as a tool_use input; text that is not a JSON object (never a parsed call) gives `{}`. */
export function toolInput(argumentsText: string): unknown {
  try {
    const input = JSON.parse(argumentsText) as unknown;
    return input !== null && typeof input === 'object' && !Array.isArray(input) ? input : {};
  } catch {
    return {};
  }
}

export function contentBlocks(reply: Pick<ChatReply, 'content' | 'reasoning' | 'toolCalls'>): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  if (reply.reasoning !== null) blocks.push({ type: 'thinking', thinking: reply.reasoning, signature: '' });
  if (reply.content !== null) blocks.push({ type: 'text', text: reply.content });
  for (const call of reply.toolCalls) blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
  return blocks;
}

/**
 * Why the turn ended, in the API's words: the token budget (`max_tokens`), a tool call (`tool_use`,
 * also under a named tool_choice, where the chat finish stays "stop"), one of the request's stop
 * sequences (the engine reports the string that matched), else the model's own end (`end_turn`).
 */
export function stopOf(reply: Pick<ChatReply, 'finishReason' | 'stopReason' | 'toolCalls'>, stopSequences: readonly string[]): { stop_reason: AnthropicStopReason; stop_sequence: string | null } {
  if (reply.finishReason === 'length') return { stop_reason: 'max_tokens', stop_sequence: null };
  if (reply.toolCalls.length > 0) return { stop_reason: 'tool_use', stop_sequence: null };
  if (typeof reply.stopReason === 'string' && stopSequences.includes(reply.stopReason)) return { stop_reason: 'stop_sequence', stop_sequence: reply.stopReason };
  return { stop_reason: 'end_turn', stop_sequence: null };
}

/** Prompt caching is the engine's business and not reported through the proxy: the cache counts are null. */
export function anthropicUsage(usage: Usage | null): AnthropicUsage {
  return { input_tokens: usage?.promptTokens ?? 0, output_tokens: usage?.completionTokens ?? 0, cache_creation_input_tokens: null, cache_read_input_tokens: null };
}

export type MessageHead = { id: string; stopSequences: readonly string[] };

export function anthropicMessage(head: MessageHead, reply: ChatReply, usage: Usage | null): AnthropicMessage {
  return {
    id: head.id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content: contentBlocks(reply),
    ...stopOf(reply, head.stopSequences),
    usage: anthropicUsage(usage),
  };
}
