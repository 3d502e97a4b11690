import type { ChatRequest } from '../../../src/wire/openai-chat.ts';
import type { SamplingPolicy } from '../../../src/wire/admin.ts';
import { NEUTRAL_SAMPLERS, POLICY_FIELDS, RAW_LOGPROBS } from './sampling-defaults.ts';

/**
 * How a client's chat request becomes the request sent to llama-server's `/v1/chat/completions`
 * (llama.cpp `tools/server/server-common.cpp`, `oaicompat_chat_params_parse`).
 *
 * Completion ids come from `logprobs.content[i].id`, which llama.cpp fills whenever `n_probs > 0`.
 * The proxy asks with the native `n_probs: 1` (unknown keys pass through to native params) rather
 * than `logprobs: true`: `logprobs` with `tools` and `stream` is refused with "logprobs is not
 * supported with tools + stream" (`server-common.cpp`), and `logprobs` alone defaults
 * `top_logprobs` to 20. A client that asks for logprobs gets them, with at least one top entry,
 * since `top_logprobs: 0` sets `n_probs` to 0 and drops the ids too.
 * The token budget goes out as `max_tokens`, the name every build reads.
 */

const minDefined = (a: number | null | undefined, b: number | undefined): number | undefined =>
  a === null || a === undefined ? b : b === undefined ? a : Math.min(a, b);

export function buildLlamacppChatRequest(client: ChatRequest, policy: SamplingPolicy, maxTokensCap: number | undefined): Record<string, unknown> {
  const sent: Record<string, unknown> = { ...NEUTRAL_SAMPLERS, ...client, ...RAW_LOGPROBS };
  for (const [policyKey, wireKey, neutral] of POLICY_FIELDS) {
    const value = policy[policyKey] ?? sent[wireKey] ?? neutral;
    if (value !== undefined && value !== null) sent[wireKey] = value;
  }
  delete sent.max_completion_tokens;
  const maxTokens = minDefined(client.max_completion_tokens ?? client.max_tokens, maxTokensCap);
  if (maxTokens === undefined) delete sent.max_tokens;
  else sent.max_tokens = maxTokens;
  const topLogprobs = client.logprobs === true ? Math.max(1, client.top_logprobs ?? 1) : 1;
  if (client.logprobs === true) sent.top_logprobs = topLogprobs;
  sent.n_probs = topLogprobs;
  if (client.stream === true) sent.stream_options = { ...(client.stream_options ?? {}), include_usage: true };
  return sent;
}
