import type { ChatRequest } from '../../../src/wire/openai-chat.ts';
import type { SamplingPolicy } from '../../../src/wire/admin.ts';

/**
 * How a client's chat request goes to an OpenAI-compatible API that rollcall only relays and
 * records (text only, never trainable): untouched, but for the rollout's per-turn token cap and
 * usage on streams (the rollout's token budget counts it).
 *
 * The sampling policy is not applied: it fixes what training depends on, and nothing here is
 * trained; OpenAI's API also refuses parameters it does not know (`top_k`, `min_p`) and some of
 * its models refuse `temperature`/`top_p`. Token ids and logprobs are never asked for.
 * The cap keeps the client's field name (`max_tokens` or `max_completion_tokens`): some
 * compatible servers only know the first, OpenAI's newer models only the second.
 */
export function buildOpenAiChatRequest(client: ChatRequest, _policy: SamplingPolicy, maxTokensCap: number | undefined): Record<string, unknown> {
  const sent: Record<string, unknown> = { ...client };
  if (maxTokensCap !== undefined) {
    const field = client.max_completion_tokens !== undefined && client.max_completion_tokens !== null ? 'max_completion_tokens' : client.max_tokens !== undefined && client.max_tokens !== null ? 'max_tokens' : 'max_completion_tokens';
    const asked = client[field];
    sent[field] = typeof asked === 'number' ? Math.min(asked, maxTokensCap) : maxTokensCap;
  }
  if (client.stream === true) sent.stream_options = { ...(client.stream_options ?? {}), include_usage: true };
  return sent;
}
