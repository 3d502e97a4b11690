import type { GenerateRequest } from '../../drivers/driver-types.ts';
import type { ChatCall } from '../call-strategy.ts';
import { completionBudget } from '../completion-budget.ts';

const firstDefined = <T>(...values: (T | null | undefined)[]): T | undefined => values.find((v): v is T => v !== null && v !== undefined);

/**
 * Token-mode sampling: the rollout's policy wins for what training depends on, the client's
 * request fills the rest; the completion length is always explicit (completion-budget.ts).
 */
export function buildGenerateRequest(call: Pick<ChatCall, 'request' | 'rollout' | 'budget'>, promptIds: number[], maxModelLen: number): GenerateRequest {
  const client = call.request;
  const policy = call.rollout.record.sampling;
  const stop = typeof client.stop === 'string' ? [client.stop] : (client.stop ?? undefined);
  return {
    model: client.model ?? undefined,
    promptIds,
    maxTokens: completionBudget(call, maxModelLen, promptIds.length),
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
