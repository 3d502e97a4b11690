import type { SamplingPolicy } from '../../../src/wire/admin.ts';

/**
 * llama-server samples with its own defaults where a request is silent (top_k 40, top_p 0.95,
 * min_p 0.05, temperature 0.8; `common/common.h` `common_params_sampling`), or with whatever its
 * command line set. Recorded logprobs are only meaningful against a known distribution, so every
 * sampler is sent: the rollout policy's value, else the client's, else the neutral one below.
 * The same native names work on `/completion` and, passed through, on `/v1/chat/completions`
 * (unknown OpenAI-layer keys become native params in `oaicompat_chat_params_parse`).
 */

/** Policy key → llama.cpp field → neutral value (top_k 0 disables top-k). */
export const POLICY_FIELDS = [
  ['temperature', 'temperature', 1],
  ['topP', 'top_p', 1],
  ['topK', 'top_k', 0],
  ['minP', 'min_p', 0],
  ['seed', 'seed', undefined],
] as const satisfies readonly (readonly [keyof SamplingPolicy, string, number | undefined])[];

/** Samplers rollcall never varies, sent in their disabled form. */
export const NEUTRAL_SAMPLERS = {
  typical_p: 1,
  repeat_penalty: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  dry_multiplier: 0,
  xtc_probability: 0,
  top_n_sigma: -1,
  mirostat: 0,
} as const;

/**
 * Logprobs as llama.cpp computes them by default: the softmax of the raw logits, before the
 * sampler chain (`post_sampling_probs: false`), like vLLM's default `raw_logprobs`.
 */
export const RAW_LOGPROBS = { post_sampling_probs: false } as const;
