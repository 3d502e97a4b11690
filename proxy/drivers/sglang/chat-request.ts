import type { ChatRequest } from '../../../src/wire/openai-chat.ts';
import type { SamplingPolicy } from '../../../src/wire/admin.ts';

/**
 * How a client's chat request becomes the request sent to SGLang's `/v1/chat/completions`
 * (`python/sglang/srt/entrypoints/openai/serving_chat.py`): the rollout policy wins over the
 * client for what training depends on; a sampling parameter neither sets is sent as its neutral
 * value (SGLang otherwise takes the model's generation_config); the id fields capture needs are
 * forced on.
 *
 * Ids: `return_token_ids` gives per-choice prompt and completion ids but is refused (400) with
 * `stream: true` on chat, so streams ask for the response-level `sglext` extension instead
 * (sgl-project/sglang#34488), which arrives in one final `choices: []` chunk. Unary calls ask
 * for both: builds that know only one of them still answer with ids, and unknown fields are
 * ignored by older builds.
 */

/** Policy key → wire field → neutral value when neither the policy nor the client sets it. */
export const SAMPLING_FIELDS = [
  ['temperature', 'temperature', 1],
  ['topP', 'top_p', 1],
  ['topK', 'top_k', -1],
  ['minP', 'min_p', 0],
  ['seed', 'seed', undefined],
] as const satisfies readonly (readonly [keyof SamplingPolicy, string, number | undefined])[];

/** generation_config can set this one too; rollcall never varies it. */
const NEUTRAL_FIELDS = { repetition_penalty: 1 } as const;

const SGLEXT_IDS = { return_input_ids_in_sglext: true, return_output_ids_in_sglext: true } as const;
const UNARY_IDS = { return_token_ids: true, ...SGLEXT_IDS } as const;

/** `max_tokens` is replaced by `max_completion_tokens`; `return_prompt_token_ids` 400s on streams. */
const STRIPPED_FIELDS = ['max_tokens', 'return_prompt_token_ids'] as const;

const minDefined = (a: number | null | undefined, b: number | undefined): number | undefined =>
  a === null || a === undefined ? b : b === undefined ? a : Math.min(a, b);

export function buildSglangChatRequest(client: ChatRequest, policy: SamplingPolicy, maxTokensCap: number | undefined): Record<string, unknown> {
  const sent: Record<string, unknown> = { ...NEUTRAL_FIELDS, ...client };
  for (const field of STRIPPED_FIELDS) delete sent[field];
  for (const [policyKey, wireKey, neutral] of SAMPLING_FIELDS) {
    const value = policy[policyKey] ?? sent[wireKey] ?? neutral;
    if (value !== undefined && value !== null) sent[wireKey] = value;
  }
  const maxTokens = minDefined(client.max_completion_tokens ?? client.max_tokens, maxTokensCap);
  if (maxTokens !== undefined) sent.max_completion_tokens = maxTokens;
  sent.logprobs = true;
  sent.top_logprobs = client.logprobs === true && typeof client.top_logprobs === 'number' ? client.top_logprobs : 0;
  if (client.stream === true) {
    delete sent.return_token_ids;
    Object.assign(sent, SGLEXT_IDS);
    sent.stream_options = { ...(client.stream_options ?? {}), include_usage: true };
  } else {
    Object.assign(sent, UNARY_IDS);
  }
  return sent;
}
