import type { FastifyRequest } from 'fastify';
import { extractKey } from '../auth/rollout-keys.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import type { OpenRollout } from '../rollouts/rollout-registry.ts';

/** Who a call is for: the rollout its key opens, and the engine that rollout runs on. */
export type CallTarget = { rollout: OpenRollout; ctx: EngineContext };

type KeyParams = { key?: string };

/**
 * Rollout-key authentication as an `onRequest` hook, so it runs on the headers (and the path
 * form `/r/<key>/v1`) before the body is read: a request without a valid key costs no body
 * read and no parse. Every route that serves rollout keys, in any dialect, registers the hook
 * and reads the target it found.
 */
export function rolloutAuth(contexts: ReadonlyMap<string, EngineContext>) {
  const targets = new WeakMap<FastifyRequest, CallTarget>();
  const registry = [...contexts.values()][0]!.registry;
  return {
    async onRequest(request: FastifyRequest): Promise<void> {
      const rollout = registry.authenticate(extractKey(request.headers, (request.params as KeyParams | undefined)?.key));
      const ctx = contexts.get(rollout.record.engine);
      if (ctx === undefined) throw new Error(`rollout ${rollout.record.id} names unknown engine ${rollout.record.engine}`);
      targets.set(request, { rollout, ctx });
    },
    /** The target the hook found for this request. */
    target(request: FastifyRequest): CallTarget {
      const target = targets.get(request);
      if (target === undefined) throw new Error('rolloutAuth.onRequest did not run for this route');
      return target;
    },
  };
}
