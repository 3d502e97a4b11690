import type { WireChatCompletion, WireLogprob } from '../../src/wire/openai-chat.ts';
import { toUsage, type CallCapture } from './call-capture.ts';

export function logprobValues(content: WireLogprob[] | null | undefined): number[] {
  if (content === null || content === undefined) return [];
  return content.map((entry) => entry.logprob);
}

/** Extracts ids, logprobs and the visible answer from a non-streaming vLLM chat completion. */
export function captureChatCompletion(body: WireChatCompletion): CallCapture {
  const choices = Array.isArray(body.choices) ? body.choices : [];
  return {
    promptIds: Array.isArray(body.prompt_token_ids) ? body.prompt_token_ids : null,
    choices: choices.map((choice) => ({
      index: choice.index,
      completionIds: Array.isArray(choice.token_ids) ? choice.token_ids : [],
      logprobs: logprobValues(choice.logprobs?.content),
      finishReason: choice.finish_reason ?? null,
    })),
    usage: toUsage(body.usage),
    response: {
      id: body.id,
      model: body.model,
      created: body.created,
      choices: choices.map((choice) => ({
        index: choice.index,
        message: choice.message,
        finish_reason: choice.finish_reason,
        stop_reason: choice.stop_reason ?? null,
      })),
      usage: body.usage ?? null,
    },
  };
}
