import type { EngineConfig } from '../../src/config/proxy-config.ts';
import type { Logger } from '../../src/logging/logger.ts';
import type { Store } from '../../src/store/store.ts';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';
import type { PolicyGate } from '../policy/policy-gate.ts';
import type { RolloutRegistry } from '../rollouts/rollout-registry.ts';
import { EnginePool } from '../upstream/engine-pool.ts';
import { ReplicaSet } from '../upstream/replica-set.ts';
import { EngineReadiness } from './engine-readiness.ts';
import { pendingEngine, type ResolvedEngine } from './resolve-engine.ts';

/** The name rollouts use for the trained policy's engine; auxiliary engines have their own names. */
export const POLICY_ENGINE = 'policy';

/** Proxy-wide bounds on one call. */
export type CallLimits = { maxChoicesPerCall: number };

export type SharedContext = {
  store: Store;
  registry: RolloutRegistry;
  metrics: ProxyMetrics;
  logger: Logger;
  limits: CallLimits;
  /** Aborted when a shutdown's grace period ends (http/shutdown-drain.ts): calls in flight stop. */
  stopping: AbortSignal;
};

/** Everything the call pipeline needs of one engine, built once by `buildApp`. */
export type EngineContext = SharedContext & {
  readonly name: string;
  readonly config: EngineConfig;
  readonly policy: PolicyGate;
  readonly replicas: ReplicaSet;
  /** Whether the engine can serve calls, and the strategy (mode) they run with once it can. */
  readonly readiness: EngineReadiness;
};

export type EngineSetup = { name: string; config: EngineConfig; resolved: ResolvedEngine | undefined; policy: PolicyGate };

/** An engine's context: its pool, replicas with health checks, readiness and the gate its calls pass. */
export function createEngineContext(setup: EngineSetup, shared: SharedContext): { ctx: EngineContext; close: () => Promise<void> } {
  const { name, config } = setup;
  const pool = new EnginePool(config);
  const replicas = new ReplicaSet(pool, shared.logger);
  replicas.onHealthCheck(({ origin, healthy, changed }) => {
    if (changed) shared.metrics.replicaTransitions.inc({ replica: origin, healthy: String(healthy) });
  });
  const readiness = new EngineReadiness({ name, config, pool, replicas, logger: shared.logger }, setup.resolved ?? pendingEngine(config));
  replicas.startHealthChecks(config.healthCheckIntervalMs, config.healthCheckTimeoutMs);
  const ctx: EngineContext = { ...shared, name, config, policy: setup.policy, replicas, readiness };
  return {
    ctx,
    close: async () => {
      replicas.stop();
      await pool.close();
    },
  };
}
