import { randomBytes } from 'node:crypto';
import type { ParsedChatMessage } from '../../../src/parsing/chat-message-parser.ts';
import type { ChatRequest, WireChatChunk, WireChatCompletion, WireChunkChoice, WireLogprob } from '../../../src/wire/openai-chat.ts';
import type { GenerationChoice } from '../../drivers/driver-types.ts';

/**
 * OpenAI chat answers built by the proxy in token mode, from the engine's completion and the
 * proxy's own parse of it. A named tool_choice keeps finish_reason "stop", as vLLM does.
 */
export const newCompletionId = (): string => `chatcmpl-${randomBytes(16).toString('hex')}`;

/** The message of one choice as the record and the client see it (a parse result, or a stream's sum). */
export type AnswerMessage = Pick<ParsedChatMessage, 'content' | 'reasoning' | 'toolCalls' | 'finishReason'>;

export function finishReasonFor(request: ChatRequest, engineReason: string | null, parsedReason: 'tool_calls' | null): string | null {
  const named = request.tool_choice !== null && typeof request.tool_choice === 'object';
  return parsedReason !== null && !named ? parsedReason : engineReason;
}

export function clientLogprobs(request: ChatRequest, choice: Pick<GenerationChoice, 'logprobs' | 'tokens'>): { content: WireLogprob[] } | null {
  if (request.logprobs !== true) return null;
  return { content: choice.logprobs.map((logprob, i) => ({ token: choice.tokens[i] ?? '', logprob, bytes: null, top_logprobs: [] })) };
}

/** What every chunk and the completion of one answer share. */
export type AnswerHead = { id: string; created: number; model: string };

export const newAnswerHead = (model: string): AnswerHead => ({ id: newCompletionId(), created: Math.floor(Date.now() / 1000), model });

export function chatCompletionBody(head: AnswerHead, request: ChatRequest, choices: { generation: GenerationChoice; message: AnswerMessage }[], usage: WireChatCompletion['usage']): WireChatCompletion {
  return {
    id: head.id,
    object: 'chat.completion',
    created: head.created,
    model: head.model,
    choices: choices.map(({ generation, message }) => ({
      index: generation.index,
      message: {
        role: 'assistant',
        content: message.content,
        tool_calls: message.toolCalls,
        ...(message.reasoning === null ? {} : { reasoning: message.reasoning }),
      },
      logprobs: clientLogprobs(request, generation),
      finish_reason: finishReasonFor(request, generation.finishReason, message.finishReason),
    })),
    usage,
  };
}

/** One chunk holds one choice entry (or none: the usage chunk), as vLLM streams them. */
export function chunk(head: AnswerHead, entry: WireChunkChoice | null, usage?: WireChatChunk['usage']): WireChatChunk {
  return {
    id: head.id,
    object: 'chat.completion.chunk',
    created: head.created,
    model: head.model,
    choices: entry === null ? [] : [entry],
    ...(usage === undefined ? {} : { usage }),
  };
}
