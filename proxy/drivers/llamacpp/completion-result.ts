import type { Usage } from '../../../src/store/records.ts';
import type { GenerationChoice } from '../driver-types.ts';
import { isIdArray, isRecord } from '../engine-json.ts';

/**
 * One result of llama.cpp's native `/completion` (`server-task.cpp`, `to_json_non_oaicompat`),
 * whole or one streamed event of it, read defensively.
 */
export type ProbEntry = { id: number; token: string; logprob: number };

export type CompletionResult = {
  index: number | null;
  content: string;
  /** Generated ids (`return_tokens`; one per streamed event). */
  tokens: number[] | null;
  /** `completion_probabilities`; entries without an integer `id` or a `logprob` are dropped. */
  probs: ProbEntry[];
  isFinal: boolean;
  stopType: string | null;
  stoppingWord: string;
  tokensEvaluated: number | null;
  tokensPredicted: number | null;
};

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);

function readProbs(value: unknown): ProbEntry[] {
  const entries: ProbEntry[] = [];
  for (const entry of Array.isArray(value) ? value : []) {
    if (!isRecord(entry) || !Number.isInteger(entry.id) || typeof entry.logprob !== 'number') break;
    entries.push({ id: entry.id as number, token: typeof entry.token === 'string' ? entry.token : '', logprob: entry.logprob });
  }
  return entries;
}

export function readCompletionResult(value: unknown): CompletionResult {
  const wire = isRecord(value) ? value : {};
  return {
    index: Number.isInteger(wire.index) ? (wire.index as number) : null,
    content: typeof wire.content === 'string' ? wire.content : '',
    tokens: isIdArray(wire.tokens) ? wire.tokens : null,
    probs: readProbs(wire.completion_probabilities),
    isFinal: wire.stop === true,
    stopType: typeof wire.stop_type === 'string' ? wire.stop_type : null,
    stoppingWord: typeof wire.stopping_word === 'string' ? wire.stopping_word : '',
    tokensEvaluated: numberOrNull(wire.tokens_evaluated),
    tokensPredicted: numberOrNull(wire.tokens_predicted),
  };
}

/** `stop_type` → OpenAI finish reason: `eos` the model's EOS, `word` a stop string, `limit` the budget. */
const STOP_TYPES: Readonly<Record<string, string>> = { eos: 'stop', word: 'stop', limit: 'length' };

export function mapStopType(result: Pick<CompletionResult, 'stopType' | 'stoppingWord'>): Pick<GenerationChoice, 'finishReason' | 'stopReason'> {
  const finishReason = result.stopType === null ? null : (STOP_TYPES[result.stopType] ?? null);
  return { finishReason, stopReason: result.stopType === 'word' ? result.stoppingWord : null };
}

/**
 * The logprobs of `ids`, from the entries that match them position by position. llama.cpp can
 * leave entries out: a non-streamed stop-word finish drops the stop word's (`send_final_response`
 * trims by the word's re-tokenized length), and a token that ends inside a multi-byte character
 * gets none. Values stop at the first gap rather than shift onto the wrong token; the invariant
 * check then refuses the call with the counts.
 */
export function alignedLogprobs(ids: readonly number[], probs: readonly ProbEntry[]): ProbEntry[] {
  const aligned: ProbEntry[] = [];
  for (let i = 0; i < ids.length && i < probs.length; i++) {
    const entry = probs[i] as ProbEntry;
    if (entry.id !== ids[i]) break;
    aligned.push(entry);
  }
  return aligned;
}

/** Ids are `tokens`; a build that ignores `return_tokens` (empty `tokens`) still names them in the probabilities. */
export const idsOf = (result: Pick<CompletionResult, 'tokens' | 'probs'>): number[] =>
  result.tokens !== null && result.tokens.length > 0 ? result.tokens : result.probs.map((p) => p.id);

/** `tokens_evaluated` is the prompt count (ids are not returned); prompts are shared across `n`. */
export function usageOf(results: readonly Pick<CompletionResult, 'tokensEvaluated' | 'tokensPredicted'>[]): Usage | null {
  const prompt = results[0]?.tokensEvaluated ?? null;
  if (prompt === null || results.some((r) => r.tokensPredicted === null)) return null;
  const completion = results.reduce((sum, r) => sum + (r.tokensPredicted ?? 0), 0);
  return { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion };
}
