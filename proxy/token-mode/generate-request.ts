import type { ChatRequest } from '../../src/wire/openai-chat.ts';
import type { SamplingPolicy } from '../../src/wire/admin.ts';
import type { GenerateRequest } from '../drivers/driver-types.ts';

const firstDefined = <T>(...values: (T | null | undefined)[]): T | undefined => values.find((v): v is T => v !== null && v !== undefined);

/**
 * Token-mode sampling: the rollout's policy wins for what training depends on, the client's
 * request fills the rest; the per-turn cap and the context left bound the completion length.
 */
export function buildGenerateRequest(client: ChatRequest, policy: SamplingPolicy, promptIds: number[], maxTokensCap: number | undefined, maxModelLen: number | null): GenerateRequest {
  const caps = [client.max_completion_tokens ?? client.max_tokens ?? undefined, maxTokensCap];
  if (maxModelLen !== null && maxModelLen > promptIds.length) caps.push(maxModelLen - promptIds.length);
  const bounded = caps.filter((n): n is number => n !== undefined);
  const stop = typeof client.stop === 'string' ? [client.stop] : (client.stop ?? undefined);
  return {
    model: client.model ?? undefined,
    promptIds,
    maxTokens: bounded.length === 0 ? undefined : Math.min(...bounded),
    temperature: firstDefined(policy.temperature, client.temperature),
    topP: firstDefined(policy.topP, client.top_p),
    topK: firstDefined(policy.topK, client.top_k as number | undefined),
    minP: firstDefined(policy.minP, client.min_p as number | undefined),
    seed: firstDefined(policy.seed, client.seed),
    n: client.n ?? 1,
    stop,
    topLogprobs: 0,
    stream: client.stream === true,
  };
}
