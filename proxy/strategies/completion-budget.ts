import type { ChatCall } from './call-strategy.ts';

/**
 * Completion-length policy: a generation request never leaves its length to the engine's
 * default. vLLM's `/v1/completions` stops at 16 tokens without `max_tokens`, and on chat the
 * default is the context left or a smaller `max_new_tokens` from the model's generation_config
 * (`get_max_tokens` in `vllm/entrypoints/utils.py`). The budget
 * is the smallest of what the client asked for, the rollout's cap for each choice (the per-turn
 * cap and its share of the total budget), and the context left after the prompt. A prompt that already fills the context gets a budget of 1, so the
 * engine answers with its own context-length error instead of a silent default.
 */

/** What the client asked for, under either name (`max_completion_tokens` wins, as on vLLM). */
export const clientMaxTokens = (call: Pick<ChatCall, 'request'>): number | undefined => call.request.max_completion_tokens ?? call.request.max_tokens ?? undefined;

const smallest = (...bounds: (number | undefined)[]): number | undefined => {
  const given = bounds.filter((n): n is number => n !== undefined);
  return given.length === 0 ? undefined : Math.min(...given);
};

/** The bound the call has before its prompt is counted: the client's and the rollout's. */
export function askedBudget(call: Pick<ChatCall, 'request' | 'budget'>): number | undefined {
  return smallest(clientMaxTokens(call), call.budget.cap);
}

/** The context a prompt of `promptTokens` leaves for the completion (at least 1, see above). */
export const contextLeft = (maxModelLen: number, promptTokens: number): number => Math.max(1, maxModelLen - promptTokens);

/**
 * The explicit budget of a call whose prompt length is known: the client's ask, the rollout's
 * per-choice bound for this prompt (call-budget.ts) and the context left.
 */
export function completionBudget(call: Pick<ChatCall, 'request' | 'budget'>, maxModelLen: number, promptTokens: number): number {
  return smallest(clientMaxTokens(call), call.budget.capFor(promptTokens), contextLeft(maxModelLen, promptTokens)) as number;
}
