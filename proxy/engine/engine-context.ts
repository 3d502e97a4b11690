import type { EngineConfig } from '../../src/config/proxy-config.ts';
import type { Logger } from '../../src/logging/logger.ts';
import type { Store } from '../../src/store/store.ts';
import type { CallContext } from '../calls/call-context.ts';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';
import type { PolicyGate } from '../policy/policy-gate.ts';
import type { RolloutRegistry } from '../rollouts/rollout-registry.ts';
import { TurnDelta } from '../token-mode/turn-delta.ts';
import { EnginePool } from '../upstream/engine-pool.ts';
import { ReplicaSet } from '../upstream/replica-set.ts';
import { assumeEngine, type ResolvedEngine } from './resolve-engine.ts';

/** The name rollouts use for the trained policy's engine; auxiliary engines have their own names. */
export const POLICY_ENGINE = 'policy';

export type SharedContext = { store: Store; registry: RolloutRegistry; metrics: ProxyMetrics; logger: Logger };

/** A call context for one engine: its pool, replicas, mode, and the gate its calls pass. */
export function createEngineContext(config: EngineConfig, resolved: ResolvedEngine | undefined, policy: PolicyGate, shared: SharedContext): { ctx: CallContext; close: () => Promise<void> } {
  const pool = new EnginePool(config);
  const replicas = new ReplicaSet(pool, shared.logger, (origin, healthy) => shared.metrics.replicaTransitions.inc({ replica: origin, healthy: String(healthy) }));
  replicas.startHealthChecks(config.healthCheckIntervalMs, config.healthCheckTimeoutMs);
  const engineSetup = resolved ?? assumeEngine(config);
  const tokenDriver = engineSetup.mode === 'token' ? engineSetup.driver.token : null;
  const ctx: CallContext = {
    ...shared,
    engine: pool,
    engineConfig: config,
    engineKind: config.kind,
    policy,
    replicas,
    engineSetup,
    turnDelta: tokenDriver === null ? null : new TurnDelta(tokenDriver, config.eosTokenId),
  };
  return {
    ctx,
    close: async () => {
      replicas.stop();
      await pool.close();
    },
  };
}
