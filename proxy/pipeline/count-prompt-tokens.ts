import type { ChatRequest } from '../../src/wire/openai-chat.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import type { OpenRollout } from '../rollouts/rollout-registry.ts';
import { mapUpstreamError } from '../upstream/map-upstream-error.ts';

/**
 * How many prompt tokens a request renders to, counted by the engine's strategy on the replica
 * serving the rollout (Anthropic's `count_tokens`). Nothing is generated or recorded, and the call
 * budget is untouched; a request the engine cannot count is a registry error.
 */
export async function countPromptTokens(engine: EngineContext, rollout: OpenRollout, request: ChatRequest, signal: AbortSignal): Promise<number> {
  const strategy = engine.readiness.strategy();
  try {
    return await strategy.countPromptTokens(request, (r) => engine.replicas.request(rollout, r), signal);
  } catch (error) {
    throw mapUpstreamError(error, engine.replicas.pick(rollout), engine.config);
  }
}
