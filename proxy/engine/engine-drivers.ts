import { resolve } from 'node:path';
import type { EngineConfig, EngineKind } from '../../src/config/proxy-config.ts';
import type { EngineDriver, TokenDriver } from '../drivers/driver-types.ts';
import { llamacppDriver } from '../drivers/llamacpp/llamacpp-driver.ts';
import { openAiDriver } from '../drivers/openai/openai-driver.ts';
import { createSglangDriver, sglangDriver } from '../drivers/sglang/sglang-driver.ts';
import { vllmDriver, workerDriver } from '../drivers/vllm/vllm-driver.ts';
import { createLocalRenderer, type LocalRenderer } from '../render/local-renderer.ts';

/** One driver per engine kind, as the engine renders prompts itself (no `tokenizerPath`). */
export const ENGINE_DRIVERS: Partial<Record<EngineKind, EngineDriver>> = {
  vllm: vllmDriver,
  worker: workerDriver,
  sglang: sglangDriver,
  llamacpp: llamacppDriver,
  openai: openAiDriver,
};

/**
 * Loading a model folder parses a tokenizer of up to ~10 MB: once per folder, however many
 * engines (policy, auxiliary) or start-up steps (detection, then the call context) ask for it.
 */
const localRenderers = new Map<string, LocalRenderer>();

function localRendererFor(tokenizerPath: string): LocalRenderer {
  const key = resolve(tokenizerPath);
  let renderer = localRenderers.get(key);
  if (renderer === undefined) {
    renderer = createLocalRenderer(key);
    localRenderers.set(key, renderer);
  }
  return renderer;
}

/** A token driver that renders from the local model folder instead of the engine's endpoints. */
export function renderingLocally(token: TokenDriver, renderer: LocalRenderer): TokenDriver {
  return {
    ...token,
    render: (_http, request, signal) => renderer.render(request, signal),
    tokenizeText: (_http, text, signal) => renderer.tokenizeText(text, signal),
  };
}

/**
 * The driver for an engine. With `tokenizerPath` set, token mode renders prompts locally: SGLang
 * gets its renderer (it has no chat-template tokenize endpoint), and engines that render through
 * their own endpoints (vLLM's and the worker's `/tokenize`, llama.cpp's `/apply-template`) have
 * those replaced. Detection still probes the engine as before.
 */
export function driverFor(kind: EngineKind, config?: Pick<EngineConfig, 'tokenizerPath'>): EngineDriver {
  const driver = ENGINE_DRIVERS[kind];
  if (driver === undefined) throw new Error(`no driver for engine kind ${kind}`);
  const tokenizerPath = config?.tokenizerPath;
  if (tokenizerPath === undefined) return driver;
  const renderer = localRendererFor(tokenizerPath);
  if (kind === 'sglang') return createSglangDriver({ renderer });
  return driver.token === null ? driver : { ...driver, token: renderingLocally(driver.token, renderer) };
}
