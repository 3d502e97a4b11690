import type { EngineConfig } from '../../src/config/proxy-config.ts';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { CallMode } from '../../src/store/records.ts';
import type { EngineCapabilities, EngineDriver } from '../drivers/driver-types.ts';
import { EnginePool } from '../upstream/engine-pool.ts';
import { driverFor } from './engine-drivers.ts';

/**
 * The engine as the proxy will use it: its driver and, once detected, the mode calls run in and
 * what the engine reported. Undetected (`capabilities` null) the engine waits: its calls get a
 * retryable "not ready" error until a replica passes a health check and detection succeeds.
 */
export type ResolvedEngine = {
  driver: EngineDriver;
  mode: CallMode | null;
  capabilities: EngineCapabilities | null;
  /** Set when no replica answered at start. */
  warning?: string;
};

const capabilityError = (origin: string, caps: EngineCapabilities | null, need: string) =>
  new RollcallError('RC_ERR_ENGINE_CAPABILITY', { origin, version: caps?.version ?? 'unknown version', need });

const CONTEXT_NEED = "the model's context length (max_model_len in /v1/models), which bounds every completion";

/** An engine not detected yet; the configured mode must exist for its driver. */
export function pendingEngine(config: EngineConfig): ResolvedEngine {
  const driver = driverFor(config.kind, config);
  if (config.mode !== 'auto' && (config.mode === 'token' ? driver.token : driver.chat) === null) {
    throw new RollcallError('RC_ERR_ENGINE_MODE_UNSUPPORTED', { engine: config.kind, mode: config.mode });
  }
  if (driver.token === null && driver.chat === null) throw new RollcallError('RC_ERR_ENGINE_MODE_UNSUPPORTED', { engine: config.kind, mode: config.mode });
  return { driver, mode: null, capabilities: null };
}

/**
 * The mode an engine serves, from what it reported: the configured one if the engine can give
 * what it needs, or under `auto` token mode where it works, else chat. Token mode, and chat
 * capture that counts prompts for its budget, need the context length. Throws a capability
 * error that says what is missing.
 */
export function chooseMode(config: EngineConfig, driver: EngineDriver, caps: EngineCapabilities, origin: string): CallMode {
  const tokenNeed = caps.needs?.token ?? 'token mode needs generation from token ids (/v1/completions with an id prompt and return_token_ids) and /tokenize with messages';
  const chatNeed = caps.needs?.chat ?? 'chat capture needs token ids in chat answers (vLLM >= 0.10.2, return_token_ids)';
  const tokenWorks = driver.token !== null && caps.tokenMode;
  const chatWorks = driver.chat !== null && (caps.chatTokenIds || !driver.chat.capturesTokens);
  const needsLength = (mode: CallMode) => (mode === 'token' || driver.chat?.countPromptTokens !== undefined) && caps.maxModelLen === null;
  let mode: CallMode;
  if (config.mode === 'token') {
    if (!caps.tokenMode) throw capabilityError(origin, caps, tokenNeed);
    mode = 'token';
  } else if (config.mode === 'chat') {
    if (driver.chat?.capturesTokens === true && !caps.chatTokenIds) throw capabilityError(origin, caps, chatNeed);
    mode = 'chat';
  } else if (tokenWorks || chatWorks) {
    mode = tokenWorks ? 'token' : 'chat';
  } else {
    throw capabilityError(origin, caps, `neither mode works: ${tokenNeed}; ${chatNeed}`);
  }
  if (needsLength(mode)) throw capabilityError(origin, caps, `${mode} mode needs ${CONTEXT_NEED}`);
  return mode;
}

/**
 * Capability detection at start: asks each replica in turn until one answers, then checks that
 * it can give what the configured mode needs, failing with a message that says what is missing.
 * When no replica can be reached the engine is left pending, to be detected once one is up.
 */
export async function detectEngine(config: EngineConfig, pool: EnginePool): Promise<ResolvedEngine> {
  const pending = pendingEngine(config);
  const { driver } = pending;
  let lastError: unknown = null;
  for (const origin of pool.origins) {
    let caps: EngineCapabilities;
    try {
      caps = await driver.detect((request) => pool.request(origin, request));
    } catch (error) {
      lastError = error;
      continue;
    }
    return { driver, mode: chooseMode(config, driver, caps, origin), capabilities: caps };
  }
  if (lastError instanceof RollcallError && lastError.code === 'RC_ERR_UPSTREAM_CONNECT') {
    // Engines often come up after the proxy: start anyway; detection runs once a replica is healthy.
    return { ...pending, warning: `no replica answered at start (${lastError.message}); calls get RC_ERR_ENGINE_NOT_READY until one passes a health check and its capabilities are detected` };
  }
  throw new RollcallError('RC_ERR_ENGINE_CAPABILITY', {
    origin: pool.origins.join(', '),
    version: 'no answer',
    need: `no replica answered the capability probe (${lastError instanceof Error ? lastError.message : String(lastError)})`,
  }, { cause: lastError });
}

/** What `rollcall serve` and the trainer run at start: detection when configured, else a pending engine. */
export async function resolveEngineAtStart(config: EngineConfig): Promise<ResolvedEngine> {
  if (!config.detectAtStart) return pendingEngine(config);
  const pool = new EnginePool(config);
  try {
    return await detectEngine(config, pool);
  } finally {
    await pool.close();
  }
}

/** Every engine of a proxy configuration (the policy's and the auxiliary ones), by name. */
export async function resolveEnginesAtStart(config: { engine: EngineConfig; auxiliaryEngines: Record<string, EngineConfig> }): Promise<Record<string, ResolvedEngine>> {
  const entries = [['policy', config.engine] as const, ...Object.entries(config.auxiliaryEngines)];
  const resolved = await Promise.all(entries.map(async ([name, engine]) => [name, await resolveEngineAtStart(engine)] as const));
  return Object.fromEntries(resolved);
}
