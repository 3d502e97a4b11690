import type { EngineConfig } from '../../src/config/proxy-config.ts';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { Logger } from '../../src/logging/logger.ts';
import type { CallMode } from '../../src/store/records.ts';
import { INT32_ID_BOUND } from '../capture/call-capture.ts';
import type { EngineCapabilities } from '../drivers/driver-types.ts';
import type { CallStrategy } from '../strategies/call-strategy.ts';
import type { EnginePool } from '../upstream/engine-pool.ts';
import type { HealthListener, ReplicaSet } from '../upstream/replica-set.ts';
import { chooseStrategy } from './choose-strategy.ts';
import { chooseMode, type ResolvedEngine } from './resolve-engine.ts';

/**
 * Readiness policy: an engine serves calls only once its capabilities are known, because the
 * mode, and the context length that bounds every completion, come from them. A proxy often starts
 * before its engine (docker compose), so detection also runs when a replica passes a health check
 * while the engine is still waiting; until then each call gets RC_ERR_ENGINE_NOT_READY (503,
 * retryable, Retry-After one health-check interval), never a request with guessed settings.
 * An engine that answers but cannot serve the configured mode is refused with what it lacks, and
 * is probed again only when a replica comes back into rotation (a restart).
 */

type State =
  | { kind: 'waiting'; missing: string }
  | { kind: 'ready'; mode: CallMode; capabilities: EngineCapabilities; strategy: CallStrategy }
  | { kind: 'refused'; error: RollcallError };

/** One engine as `GET /ready` shows it. */
export type EngineReadinessView = {
  ready: boolean;
  mode: CallMode | null;
  maxModelLen: number | null;
  version: string | null;
  /** Healthy: the last health check passed (null: none has answered yet, the replica is assumed up). */
  replicas: { origin: string; healthy: boolean | null }[];
  /** What keeps the engine from serving calls, in words; null when it is ready. */
  missing: string | null;
};

export type EngineReadinessDeps = {
  name: string;
  config: EngineConfig;
  pool: EnginePool;
  replicas: ReplicaSet;
  logger: Logger;
};

export class EngineReadiness {
  private state: State;
  private detecting: Promise<void> | null = null;
  private readonly retryAfterS: number;

  constructor(
    private readonly deps: EngineReadinessDeps,
    private readonly resolved: ResolvedEngine,
  ) {
    this.retryAfterS = Math.max(1, Math.ceil(deps.config.healthCheckIntervalMs / 1000));
    this.state =
      resolved.mode !== null && resolved.capabilities !== null
        ? this.ready(resolved.mode, resolved.capabilities)
        : { kind: 'waiting', missing: 'no replica has passed a health check yet, so its capabilities are unknown' };
    const listener: HealthListener = ({ origin, healthy, changed }) => {
      if (!healthy) return;
      if (this.state.kind === 'waiting' || (this.state.kind === 'refused' && changed)) void this.detect(origin);
    };
    deps.replicas.onHealthCheck(listener);
  }

  private ready(mode: CallMode, capabilities: EngineCapabilities): State {
    const strategy = chooseStrategy(mode, { driver: this.resolved.driver, config: this.deps.config, capabilities });
    return { kind: 'ready', mode, capabilities, strategy };
  }

  /** Detects the engine through one replica; concurrent triggers share one detection. */
  detect(origin: string): Promise<void> {
    this.detecting ??= this.runDetection(origin).finally(() => {
      this.detecting = null;
    });
    return this.detecting;
  }

  private async runDetection(origin: string): Promise<void> {
    const { driver } = this.resolved;
    const { pool, config, logger, name } = this.deps;
    try {
      const capabilities = await driver.detect((request) => pool.request(origin, request));
      this.state = this.ready(chooseMode(config, driver, capabilities, origin), capabilities);
      logger.info({ engine: name, origin, mode: this.state.kind === 'ready' ? this.state.mode : null, maxModelLen: capabilities.maxModelLen }, 'engine ready');
    } catch (error) {
      if (error instanceof RollcallError && error.code === 'RC_ERR_ENGINE_CAPABILITY') {
        this.state = { kind: 'refused', error };
        logger.error({ engine: name, origin, err: error }, 'engine cannot serve this configuration');
      } else {
        this.state = { kind: 'waiting', missing: `detecting its capabilities at ${origin} failed (${error instanceof Error ? error.message : String(error)})` };
        logger.warn({ engine: name, origin, err: error }, 'engine capability detection failed; retrying at the next health check');
      }
    }
  }

  /** The strategy calls run with; a registry error while the engine cannot serve them. */
  strategy(): CallStrategy {
    const state = this.state;
    if (state.kind === 'ready') return state.strategy;
    if (state.kind === 'refused') throw state.error;
    throw new RollcallError(
      'RC_ERR_ENGINE_NOT_READY',
      { engine: this.deps.name, missing: state.missing, retryAfterS: this.retryAfterS },
      { headers: { 'retry-after': String(this.retryAfterS) } },
    );
  }

  /** What token ids of this engine must be below: its vocabulary size where detection learned it, else int32. */
  idBound(): number {
    const vocabSize = this.state.kind === 'ready' ? this.state.capabilities.vocabSize : null;
    return vocabSize ?? INT32_ID_BOUND;
  }

  view(): EngineReadinessView {
    const replicas = this.deps.replicas.state().map((r) => ({ origin: r.origin, healthy: r.checked ? r.healthy : null }));
    const anyUp = replicas.some((r) => r.healthy !== false);
    const state = this.state;
    const ready = state.kind === 'ready';
    let missing: string | null = null;
    if (state.kind === 'waiting') missing = state.missing;
    else if (state.kind === 'refused') missing = state.error.message;
    else if (!anyUp) missing = 'no replica passes its health check';
    return {
      ready: ready && anyUp,
      mode: ready ? state.mode : null,
      maxModelLen: ready ? state.capabilities.maxModelLen : null,
      version: ready ? state.capabilities.version : null,
      replicas,
      missing,
    };
  }
}
