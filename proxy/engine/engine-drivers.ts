import type { EngineKind } from '../../src/config/proxy-config.ts';
import type { EngineDriver } from '../drivers/driver-types.ts';
import { llamacppDriver } from '../drivers/llamacpp/llamacpp-driver.ts';
import { openAiDriver } from '../drivers/openai/openai-driver.ts';
import { sglangDriver } from '../drivers/sglang/sglang-driver.ts';
import { vllmDriver, workerDriver } from '../drivers/vllm/vllm-driver.ts';

/** One driver per engine kind. */
export const ENGINE_DRIVERS: Partial<Record<EngineKind, EngineDriver>> = {
  vllm: vllmDriver,
  worker: workerDriver,
  sglang: sglangDriver,
  llamacpp: llamacppDriver,
  openai: openAiDriver,
};

export function driverFor(kind: EngineKind): EngineDriver {
  const driver = ENGINE_DRIVERS[kind];
  if (driver === undefined) throw new Error(`no driver for engine kind ${kind}`);
  return driver;
}
