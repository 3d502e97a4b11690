import type { ChatRequest } from '../../../src/wire/openai-chat.ts';
import type { SamplingPolicy } from '../../../src/wire/admin.ts';

/**
 * How a client's chat request becomes the request sent to vLLM (`ChatCompletionRequest` in
 * `vllm/entrypoints/openai/chat_completion/protocol.py`): the rollout's sampling policy wins over
 * the client for the parameters training depends on, every sampling parameter is sent explicitly
 * (vLLM otherwise falls back to the model's generation_config), and the fields capture needs are
 * forced on.
 */

/** Policy key → vLLM request field; the policy's value wins when it sets one. */
export const SAMPLING_FIELDS = [
  ['temperature', 'temperature'],
  ['topP', 'top_p'],
  ['topK', 'top_k'],
  ['minP', 'min_p'],
  ['seed', 'seed'],
] as const satisfies readonly (readonly [keyof SamplingPolicy, string])[];

/** Fields forced for capture, whatever the client sent. */
const CAPTURE_FIELDS = { return_token_ids: true, logprobs: true } as const;

/** Fields removed because they would silently change what is recorded. */
const STRIPPED_FIELDS = ['truncate_prompt_tokens', 'max_tokens', 'prompt_logprobs', 'echo'] as const;

function minDefined(a: number | null | undefined, b: number | undefined): number | undefined {
  if (a === null || a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

export function buildVllmChatRequest(client: ChatRequest, policy: SamplingPolicy, maxTokensCap: number | undefined): Record<string, unknown> {
  const sent: Record<string, unknown> = { ...client };
  for (const field of STRIPPED_FIELDS) delete sent[field];
  for (const [policyKey, wireKey] of SAMPLING_FIELDS) {
    const value = policy[policyKey];
    if (value !== undefined) sent[wireKey] = value;
  }
  const maxTokens = minDefined(client.max_completion_tokens ?? client.max_tokens, maxTokensCap);
  if (maxTokens !== undefined) sent.max_completion_tokens = maxTokens;
  Object.assign(sent, CAPTURE_FIELDS);
  sent.top_logprobs = client.logprobs === true && typeof client.top_logprobs === 'number' ? client.top_logprobs : 0;
  if (client.stream === true) sent.stream_options = { ...(client.stream_options ?? {}), include_usage: true };
  return sent;
}
