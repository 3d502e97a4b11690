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

/** Ids are non-negative int32 where the engine does not tell its vocabulary size. */
export const INT32_ID_BOUND = 2 ** 31;

/** Why `ids` are not all token ids below `bound`, naming the first bad one; null when they are. */
function badId(ids: readonly unknown[], bound: number): string | null {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < bound)) return `token id ${i} is ${JSON.stringify(id) ?? String(id)}, not an integer in [0, ${bound})`;
  }
  return null;
}

/** True when every entry is a token id (a non-negative int32). */
export const areTokenIds = (ids: readonly unknown[]): boolean => badId(ids, INT32_ID_BOUND) === null;

/**
 * A choice the engine did not finish: no finish reason (the stream or answer stopped short), or
 * vLLM's and SGLang's `abort` (the request was aborted inside the engine: preempted, the engine
 * paused or shut down). Its tokens are no complete sample of the policy. Null when all finished.
 */
export function unfinishedChoice(capture: Pick<CallCapture, 'choices'>): string | null {
  for (const choice of capture.choices) {
    if (choice.finishReason === null) return `choice ${choice.index} ended without a finish reason`;
    if (choice.finishReason === 'abort') return `choice ${choice.index} finished with "abort": the engine aborted it`;
  }
  return null;
}

/** Ids as the store can keep them (int32): lists holding anything else are dropped (the call is untrainable anyway). */
export function storableIds(ids: readonly unknown[]): number[] {
  return ids.every((id) => Number.isInteger(id) && (id as number) >= -INT32_ID_BOUND && (id as number) < INT32_ID_BOUND) ? (ids as number[]) : [];
}

/**
 * The invariants a trainable call must meet, the same in both modes. Returns why the
 * call cannot be trained on, or null when it can. Ids always come from the engine and must be
 * token ids (integers within the vocabulary: `idBound`, the vocabulary size where the engine
 * tells it, else int32); ids, logprobs and usage must agree in length; every choice must have
 * finished. A call that fails any of these is kept but never trained on.
 */
export function findUntrainableReason(capture: CallCapture, idBound: number = INT32_ID_BOUND): string | null {
  if (capture.promptIds === null) return 'the engine returned no prompt token ids';
  const badPrompt = badId(capture.promptIds, idBound);
  if (badPrompt !== null) return `prompt ${badPrompt}`;
  if (capture.choices.length === 0) return 'the engine returned no choices';
  const unfinished = unfinishedChoice(capture);
  if (unfinished !== null) return unfinished;
  let completionTokens = 0;
  for (const choice of capture.choices) {
    if (choice.completionIds.length === 0 && choice.finishReason !== 'length') {
      return `choice ${choice.index} has no completion token ids`;
    }
    const badCompletion = badId(choice.completionIds, idBound);
    if (badCompletion !== null) return `choice ${choice.index} ${badCompletion}`;
    if (choice.logprobs.length !== choice.completionIds.length) {
      return `choice ${choice.index} has ${choice.completionIds.length} token ids but ${choice.logprobs.length} logprobs`;
    }
    if (choice.logprobs.some((value) => typeof value !== 'number' || !Number.isFinite(value))) {
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

/** The tokens a call cost: the engine's usage, else what was captured (an aborted stream). */
export function tokensSpent(capture: CallCapture): number {
  if (capture.usage !== null && Number.isFinite(capture.usage.totalTokens)) return capture.usage.totalTokens;
  return (capture.promptIds?.length ?? 0) + capture.choices.reduce((sum, choice) => sum + choice.completionIds.length, 0);
}
