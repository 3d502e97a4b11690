import { toUsage } from '../../capture/call-capture.ts';
import type { WireUsage } from '../../../src/wire/openai-chat.ts';
import type { GenerateRequest, Generation, GenerationChoice, GenerationDelta, GenerationStream } from '../driver-types.ts';
import { isIdArray, isRecord } from '../engine-json.ts';

/**
 * Token mode on vLLM: `/v1/completions` with a token-id prompt (used verbatim, no BOS added),
 * `logprobs` as an int (0 = the sampled token only), `return_token_ids` for exact ids.
 * `skip_special_tokens` stays at vLLM's default: EOS is dropped from the text but kept in the ids,
 * while tool-call and think tags are ordinary added tokens and reach the parser. The client's
 * `model` is passed on as in chat mode: it is how vLLM picks a loaded LoRA adapter, and without it
 * vLLM would generate with the base model.
 */
export function buildCompletionsBody(request: GenerateRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    prompt: request.promptIds,
    n: request.n,
    logprobs: request.topLogprobs,
    return_token_ids: true,
    // Always explicit: /v1/completions stops at 16 tokens without it (vLLM `CompletionRequest`).
    max_tokens: request.maxTokens,
    stream: request.stream,
  };
  const optional: [string, unknown][] = [
    ['model', request.model],
    ['temperature', request.temperature],
    ['top_p', request.topP],
    ['top_k', request.topK],
    ['min_p', request.minP],
    ['seed', request.seed],
    ['stop', request.stop],
  ];
  for (const [key, value] of optional) if (value !== undefined) body[key] = value;
  if (request.stream) body.stream_options = { include_usage: true };
  return body;
}

type WireCompletionChoice = {
  index: number;
  text?: string | null;
  token_ids?: number[] | null;
  prompt_token_ids?: number[] | null;
  logprobs?: { token_logprobs?: (number | null)[]; tokens?: string[] } | null;
  finish_reason?: string | null;
  stop_reason?: string | number | null;
};

type WireCompletion = { choices?: WireCompletionChoice[]; usage?: WireUsage | null };

/** Completion ids as the engine sent them: the record's invariants (capture/call-capture.ts) judge them, in both modes alike. */
const idsAsSent = (value: unknown): number[] => (Array.isArray(value) ? (value as number[]) : []);

const logprobsOf = (choice: WireCompletionChoice): number[] => (choice.logprobs?.token_logprobs ?? []).map((v) => (v === null ? Number.NaN : v));

export function readCompletions(body: unknown): Generation {
  const wire = (isRecord(body) ? body : {}) as WireCompletion;
  const choices = wire.choices ?? [];
  const first = choices.find((c) => isIdArray(c.prompt_token_ids));
  return {
    promptIds: first?.prompt_token_ids ?? null,
    choices: choices.map(
      (c): GenerationChoice => ({
        index: c.index,
        completionIds: idsAsSent(c.token_ids),
        logprobs: logprobsOf(c),
        tokens: c.logprobs?.tokens ?? [],
        text: c.text ?? '',
        finishReason: c.finish_reason ?? null,
        stopReason: c.stop_reason ?? null,
      }),
    ),
    usage: toUsage(wire.usage),
  };
}

/** Concatenates streamed completion chunks per choice; the result equals the unary answer. */
export function newCompletionsStream(): GenerationStream {
  let promptIds: number[] | null = null;
  let usage: Generation['usage'] = null;
  const choices = new Map<number, GenerationChoice>();
  return {
    push(payload: unknown): GenerationDelta[] {
      const wire = (isRecord(payload) ? payload : {}) as WireCompletion;
      if (wire.usage) usage = toUsage(wire.usage);
      return (wire.choices ?? []).map((c) => {
        if (promptIds === null && isIdArray(c.prompt_token_ids)) promptIds = c.prompt_token_ids;
        const delta: GenerationDelta = {
          index: c.index,
          text: c.text ?? '',
          completionIds: idsAsSent(c.token_ids),
          logprobs: logprobsOf(c),
          tokens: c.logprobs?.tokens ?? [],
          finishReason: c.finish_reason ?? null,
          stopReason: c.stop_reason ?? null,
        };
        const state = choices.get(c.index) ?? { index: c.index, completionIds: [], logprobs: [], tokens: [], text: '', finishReason: null, stopReason: null };
        state.completionIds.push(...delta.completionIds);
        state.logprobs.push(...delta.logprobs);
        state.tokens.push(...delta.tokens);
        state.text += delta.text;
        if (delta.finishReason !== null) {
          state.finishReason = delta.finishReason;
          state.stopReason = delta.stopReason;
        }
        choices.set(c.index, state);
        return delta;
      });
    },
    result(): Generation {
      return { promptIds, choices: [...choices.values()].sort((a, b) => a.index - b.index), usage };
    },
  };
}
