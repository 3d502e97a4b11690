import type { GenerateRequest } from '../driver-types.ts';

/**
 * Token mode on SGLang: native `POST /generate` with `input_ids` (used verbatim), every sampling
 * parameter explicit, and logprobs of the generated tokens only (SGLang `GenerateReqInput` in
 * `python/sglang/srt/managers/io_struct.py`: `logprob_start_len: -1`).
 *
 * SGLang fills absent sampling parameters from the model's generation_config.json unless the
 * server runs `--sampling-defaults openai`, so a parameter neither the rollout policy nor the
 * client set is sent as its neutral value: the recorded policy is then the distribution that
 * was sampled. `max_new_tokens` is always the explicit budget (absent would mean SGLang's default
 * of 128).
 */

type SamplingRow = readonly [field: keyof GenerateRequest, wireKey: string, neutral: unknown];

/** GenerateRequest field → `sampling_params` key → the value sent when the field is unset. */
export const SAMPLING_PARAMS: readonly SamplingRow[] = [
  ['maxTokens', 'max_new_tokens', undefined],
  ['temperature', 'temperature', 1],
  ['topP', 'top_p', 1],
  ['topK', 'top_k', -1],
  ['minP', 'min_p', 0],
  ['seed', 'sampling_seed', undefined],
  ['stop', 'stop', undefined],
  ['n', 'n', 1],
];

/** Parameters rollcall never varies, sent so generation_config cannot change them. */
export const FIXED_SAMPLING_PARAMS = {
  repetition_penalty: 1,
  frequency_penalty: 0,
  presence_penalty: 0,
  min_new_tokens: 0,
  ignore_eos: false,
} as const;

export function buildGenerateBody(request: GenerateRequest): Record<string, unknown> {
  const sampling: Record<string, unknown> = { ...FIXED_SAMPLING_PARAMS };
  for (const [field, wireKey, neutral] of SAMPLING_PARAMS) {
    const value = request[field] ?? neutral;
    if (value !== undefined) sampling[wireKey] = value;
  }
  return {
    input_ids: request.promptIds,
    sampling_params: sampling,
    return_logprob: true,
    logprob_start_len: -1,
    top_logprobs_num: request.topLogprobs,
    // The token strings fill client-visible logprobs; SGLang's own chat route asks the same.
    return_text_in_logprobs: true,
    stream: request.stream,
  };
}
