import type { EngineConfig, EngineKind } from '../../src/config/proxy-config.ts';
import type { Logger } from '../../src/logging/logger.ts';
import type { Store } from '../../src/store/store.ts';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';
import type { OpenRollout, RolloutRegistry } from '../rollouts/rollout-registry.ts';
import type { EnginePool } from '../upstream/engine-pool.ts';

/** Everything a chat call needs, built once by the entry point and passed in. */
export type CallContext = {
  store: Store;
  registry: RolloutRegistry;
  engine: EnginePool;
  engineConfig: EngineConfig;
  engineKind: EngineKind;
  metrics: ProxyMetrics;
  logger: Logger;
  policyVersion: () => number;
  pickOrigin: (rollout: OpenRollout) => string;
};
