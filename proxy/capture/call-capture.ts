import type { ChoiceCapture, Usage } from '../../src/store/records.ts';
import type { WireUsage } from '../../src/wire/openai-chat.ts';

/** What the proxy extracted from one engine answer, before it becomes a stored call. */
export type CallCapture = {
  promptIds: number[] | null;
  choices: ChoiceCapture[];
  usage: Usage | null;
  /** The answer as the client saw it, without id and logprob arrays. */
  response: unknown;
};

export function toUsage(usage: WireUsage | null | undefined): Usage | null {
  if (usage === null || usage === undefined) return null;
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
  };
}

/** Internal usage back to OpenAI's wire shape (token mode builds its own answers). */
export function toWireUsage(usage: Usage | null): WireUsage | null {
  return usage === null ? null : { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.totalTokens };
}

/**
 * The invariants a trainable call must meet (DESIGN §3). Returns why the call cannot be
 * trained on, or null when it can. Ids always come from the engine; a call whose ids are
 * missing or disagree with the engine's own counts is kept but never trained on.
 */
export function findUntrainableReason(capture: CallCapture): string | null {
  if (capture.promptIds === null) return 'the engine returned no prompt token ids';
  if (capture.choices.length === 0) return 'the engine returned no choices';
  let completionTokens = 0;
  for (const choice of capture.choices) {
    if (choice.completionIds.length === 0 && choice.finishReason !== 'length') {
      return `choice ${choice.index} has no completion token ids`;
    }
    if (choice.logprobs.length !== choice.completionIds.length) {
      return `choice ${choice.index} has ${choice.completionIds.length} token ids but ${choice.logprobs.length} logprobs`;
    }
    if (choice.logprobs.some((value) => !Number.isFinite(value))) {
      return `choice ${choice.index} has a logprob that is not a finite number`;
    }
    completionTokens += choice.completionIds.length;
  }
  if (capture.usage === null) return 'the engine reported no usage';
  if (capture.usage.completionTokens !== completionTokens) {
    return `usage.completion_tokens is ${capture.usage.completionTokens} but the choices hold ${completionTokens} token ids`;
  }
  if (capture.usage.promptTokens !== capture.promptIds.length) {
    return `usage.prompt_tokens is ${capture.usage.promptTokens} but ${capture.promptIds.length} prompt ids were returned`;
  }
  return null;
}
