import type { GenerateRequest } from '../driver-types.ts';
import { NEUTRAL_SAMPLERS, RAW_LOGPROBS } from './sampling-defaults.ts';

/**
 * Token mode on llama.cpp: native `POST /completion` with `prompt` as an id array, used verbatim
 * (llama.cpp `tools/server/README.md`, `/completion`). `return_tokens` fills `tokens` with the generated ids;
 * `n_probs >= 1` fills `completion_probabilities` with each sampled token's `id` and `logprob`.
 * `n_predict` is always the explicit budget (the server's `-n` default would apply otherwise).
 * `n` is only sent above 1: builds that know it (`n_cmpl`) answer one result per sequence.
 */

type SamplingRow = readonly [field: keyof GenerateRequest, wireKey: string, neutral: unknown];

/** GenerateRequest field → `/completion` field → the value sent when the field is unset. */
export const COMPLETION_FIELDS: readonly SamplingRow[] = [
  ['maxTokens', 'n_predict', undefined],
  ['temperature', 'temperature', 1],
  ['topP', 'top_p', 1],
  ['topK', 'top_k', 0],
  ['minP', 'min_p', 0],
  ['seed', 'seed', undefined],
  ['stop', 'stop', undefined],
];

export function buildCompletionBody(request: GenerateRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { prompt: request.promptIds, ...NEUTRAL_SAMPLERS, ...RAW_LOGPROBS };
  for (const [field, wireKey, neutral] of COMPLETION_FIELDS) {
    const value = request[field] ?? neutral;
    if (value !== undefined) body[wireKey] = value;
  }
  body.n_probs = Math.max(1, request.topLogprobs);
  body.return_tokens = true;
  body.stream = request.stream;
  if (request.n > 1) body.n = request.n;
  return body;
}
