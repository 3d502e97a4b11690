import { randomBytes } from 'node:crypto';
import type { ParsedChatMessage } from '../../src/parsing/chat-message-parser.ts';
import type { ChatRequest, WireChatChunk, WireChatCompletion, WireLogprob } from '../../src/wire/openai-chat.ts';
import type { GenerationChoice } from '../drivers/driver-types.ts';

/**
 * OpenAI chat answers built by the proxy in token mode, from the engine's completion and the
 * proxy's own parse of it. A named tool_choice keeps finish_reason "stop", as vLLM does.
 */
export const newCompletionId = (): string => `chatcmpl-${randomBytes(16).toString('hex')}`;

export function finishReasonFor(request: ChatRequest, engineReason: string | null, parsedReason: 'tool_calls' | null): string | null {
  const named = request.tool_choice !== null && typeof request.tool_choice === 'object';
  return parsedReason !== null && !named ? parsedReason : engineReason;
}

export function clientLogprobs(request: ChatRequest, choice: Pick<GenerationChoice, 'logprobs' | 'tokens'>): { content: WireLogprob[] } | null {
  if (request.logprobs !== true) return null;
  return { content: choice.logprobs.map((logprob, i) => ({ token: choice.tokens[i] ?? '', logprob, bytes: null, top_logprobs: [] })) };
}

export type AnswerHead = { id: string; created: number; model: string };

export function chatCompletionBody(head: AnswerHead, request: ChatRequest, choices: { generation: GenerationChoice; parsed: ParsedChatMessage }[], usage: WireChatCompletion['usage']): WireChatCompletion {
  return {
    id: head.id,
    object: 'chat.completion',
    created: head.created,
    model: head.model,
    choices: choices.map(({ generation, parsed }) => ({
      index: generation.index,
      message: {
        role: 'assistant',
        content: parsed.content,
        tool_calls: parsed.toolCalls,
        ...(parsed.reasoning === null ? {} : { reasoning: parsed.reasoning }),
      },
      logprobs: clientLogprobs(request, generation),
      finish_reason: finishReasonFor(request, generation.finishReason, parsed.finishReason),
    })),
    usage,
  };
}

export function chunk(head: AnswerHead, choices: WireChatChunk['choices'], usage?: WireChatChunk['usage']): WireChatChunk {
  return { id: head.id, object: 'chat.completion.chunk', created: head.created, model: head.model, choices, ...(usage === undefined ? {} : { usage }) };
}
