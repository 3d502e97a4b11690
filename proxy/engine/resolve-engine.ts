import type { EngineConfig } from '../../src/config/proxy-config.ts';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { EngineCapabilities, EngineDriver } from '../drivers/driver-types.ts';
import { EnginePool } from '../upstream/engine-pool.ts';
import { driverFor } from './engine-drivers.ts';

/** The engine as the proxy will use it: its driver, the mode calls run in, what it reported. */
export type ResolvedEngine = {
  driver: EngineDriver;
  mode: 'token' | 'chat';
  capabilities: EngineCapabilities | null;
  /** Set when no replica answered at start: the mode is assumed and calls fail until one does. */
  warning?: string;
};

const capabilityError = (origin: string, caps: EngineCapabilities | null, need: string) =>
  new RollcallError('RC_ERR_ENGINE_CAPABILITY', { origin, version: caps?.version ?? 'unknown version', need });

/** Picks the mode without asking the engine (detection off): token where the driver has it. */
export function assumeEngine(config: EngineConfig): ResolvedEngine {
  const driver = driverFor(config.kind, config);
  const mode = config.mode === 'auto' ? (driver.token !== null ? 'token' : 'chat') : config.mode;
  if ((mode === 'token' ? driver.token : driver.chat) === null) {
    throw new RollcallError('RC_ERR_ENGINE_MODE_UNSUPPORTED', { engine: config.kind, mode });
  }
  return { driver, mode, capabilities: null };
}

/**
 * Capability detection at start: asks each replica in turn until one answers, then checks that
 * it can give what the configured mode needs, failing with a message that says what is missing.
 */
export async function detectEngine(config: EngineConfig, pool: EnginePool): Promise<ResolvedEngine> {
  const assumed = assumeEngine(config);
  const { driver } = assumed;
  let lastError: unknown = null;
  for (const origin of pool.origins) {
    let caps: EngineCapabilities;
    try {
      caps = await driver.detect((request) => pool.request(origin, request));
    } catch (error) {
      lastError = error;
      continue;
    }
    const tokenNeed = caps.needs?.token ?? 'token mode needs generation from token ids (/v1/completions with an id prompt and return_token_ids) and /tokenize with messages';
    const chatNeed = caps.needs?.chat ?? 'chat capture needs token ids in chat answers (vLLM >= 0.10.2, return_token_ids)';
    if (config.mode === 'token' && !caps.tokenMode) throw capabilityError(origin, caps, tokenNeed);
    if (config.mode === 'chat' && driver.chat?.capturesTokens === true && !caps.chatTokenIds) throw capabilityError(origin, caps, chatNeed);
    if (config.mode === 'auto') {
      if (driver.token !== null && caps.tokenMode) return { driver, mode: 'token', capabilities: caps };
      if (driver.chat !== null && (caps.chatTokenIds || !driver.chat.capturesTokens)) return { driver, mode: 'chat', capabilities: caps };
      throw capabilityError(origin, caps, `neither mode works: ${tokenNeed}; ${chatNeed}`);
    }
    return { ...assumed, capabilities: caps };
  }
  if (lastError instanceof RollcallError && lastError.code === 'RC_ERR_UPSTREAM_CONNECT') {
    // Engines often come up after the proxy: start anyway; health checks bring the replica in.
    return { ...assumed, warning: `no replica answered at start (${lastError.message}); assuming ${assumed.mode} mode until one does` };
  }
  throw new RollcallError('RC_ERR_ENGINE_CAPABILITY', {
    origin: pool.origins.join(', '),
    version: 'no answer',
    need: `no replica answered the capability probe (${lastError instanceof Error ? lastError.message : String(lastError)})`,
  }, { cause: lastError });
}

/** What `rollcall serve` and the trainer run at start: detection when configured, else the assumption. */
export async function resolveEngineAtStart(config: EngineConfig): Promise<ResolvedEngine> {
  if (!config.detectAtStart) return assumeEngine(config);
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
