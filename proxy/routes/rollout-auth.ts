import type { FastifyRequest } from 'fastify';
import { extractKey } from '../auth/rollout-keys.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import type { OpenRollout } from '../rollouts/rollout-registry.ts';

export type KeyParams = { key?: string };

/** The open rollout a request's key belongs to, and the engine its calls go to; a registry 401 otherwise. */
export type RolloutAuth = (request: FastifyRequest<{ Params: KeyParams }>) => { rollout: OpenRollout; ctx: EngineContext };

export function rolloutAuth(contexts: ReadonlyMap<string, EngineContext>): RolloutAuth {
  return (request) => {
    const rollout = [...contexts.values()][0]!.registry.authenticate(extractKey(request.headers, request.params.key));
    const ctx = contexts.get(rollout.record.engine);
    if (ctx === undefined) throw new Error(`rollout ${rollout.record.id} names unknown engine ${rollout.record.engine}`);
    return { rollout, ctx };
  };
}
