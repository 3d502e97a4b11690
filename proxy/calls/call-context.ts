import type { EngineConfig, EngineKind } from '../../src/config/proxy-config.ts';
import type { Logger } from '../../src/logging/logger.ts';
import type { Store } from '../../src/store/store.ts';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';
import type { PolicyGate } from '../policy/policy-gate.ts';
import type { OpenRollout, RolloutRegistry } from '../rollouts/rollout-registry.ts';
import type { EnginePool } from '../upstream/engine-pool.ts';
import type { ReplicaSet } from '../upstream/replica-set.ts';
import type { ResolvedEngine } from '../engine/resolve-engine.ts';
import type { TurnDelta } from '../token-mode/turn-delta.ts';
import type { CallCapture } from '../capture/call-capture.ts';

/** Everything a chat call needs, built once by the entry point and passed in. */
export type CallContext = {
  store: Store;
  registry: RolloutRegistry;
  engine: EnginePool;
  engineConfig: EngineConfig;
  engineKind: EngineKind;
  metrics: ProxyMetrics;
  logger: Logger;
  policy: PolicyGate;
  replicas: ReplicaSet;
  engineSetup: ResolvedEngine;
  /** Token mode only: renders appended messages after a turn. */
  turnDelta: TurnDelta | null;
};

/** What one call carries besides its record: the abort signal, who routes it, what to remember. */
export type CallRuntime = {
  signal: AbortSignal;
  rollout: OpenRollout;
  remember: (callId: number, capture: CallCapture) => void;
};
