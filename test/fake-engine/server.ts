/**
 * An in-process vLLM-protocol engine for tests: real tokenizer (tiktoken cl100k + ChatML specials),
 * a Qwen-style chat template, deterministic generation with scripts, the hermes tool parser, and
 * fault injection. Listens on 127.0.0.1 only, keeps connections alive, needs no GPU or network.
 *
 * @example
 * const engine = await startFakeEngine({ templateVariant: 'qwen3' });
 * engine.script('math', ['<tool_call>\n{"name": "python", "arguments": {"code": "print(2+2)"}}\n</tool_call>', '4']);
 * // … point the proxy at engine.url, send a message containing "[[script:math]]" …
 * await engine.close();
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { TemplateVariant } from './chat-template.ts';
import type { EngineConfig, EngineContext } from './engine-context.ts';
import { FakeEngineError } from './errors.ts';
import { type Faults, FaultState } from './faults.ts';
import { Generator } from './generator.ts';
import { parseJsonBody, readBodyText, sendError, sendJson } from './http-io.ts';
import { findRoute, isControlPath, type RouteDeps } from './routes.ts';
import { ScriptBook } from './scripts.ts';
import { StreamGate } from './stream-gate.ts';
import { FakeTokenizer } from './tokenizer.ts';
import { type LoadedAdapter, type WeightFault, type WeightUpdate, WeightState } from './weight-state.ts';

export interface FakeEngineOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  modelName?: string;
  maxModelLen?: number;
  /** `qwen25` (default, prefix-preserving) or `qwen3` (drops earlier reasoning: drift). */
  templateVariant?: TemplateVariant;
  /** What `GET /version` reports. */
  version?: string;
  /** Tokens per streamed chunk on both generation routes (stream batching; default 1). */
  chunkTokens?: number;
  faults?: Partial<Faults>;
  /** `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True`: serve `/v1/load_lora_adapter` and `/v1/unload_lora_adapter` (default off, as in vLLM). */
  runtimeLoraUpdating?: boolean;
  /** `VLLM_SERVER_DEV_MODE=1`: serve `/collective_rpc` (reload_weights) and `/reset_prefix_cache` (default off). */
  devMode?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body; `{}` when it is empty or not a JSON object (see `rawBody`). */
  body: Record<string, unknown>;
  rawBody: string;
}

export interface FakeEngine {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly modelName: string;
  /** Every request received except `/fake/*` control calls, in arrival order. */
  readonly requests: RecordedRequest[];
  readonly faults: Readonly<Faults>;
  /** Every weight-update request (LoRA load/unload, reload, cache reset) with the status it got, in order. */
  readonly weightUpdates: readonly WeightUpdate[];
  /** The LoRA adapters loaded now. */
  readonly loras: readonly LoadedAdapter[];
  /** The folder the last successful `reload_weights` read, or null. */
  readonly reloadedFrom: string | null;
  /** Makes LoRA loads and reloads fail once `after` of them succeeded (null: never). */
  failWeightUpdates(fault: WeightFault | null): void;
  script(name: string, replies: readonly string[]): void;
  /** Replies for every prompt containing `needle` and no script marker (first match wins). */
  scriptWhen(needle: string, replies: readonly string[]): void;
  setFaults(faults: Partial<Faults>): void;
  clearFaults(): void;
  /** Holds every stream after its first event until the returned function is called (stream-gate.ts). */
  holdStreams(): () => void;
  /** The engine's tokenizer, for building expectations (specials allowed). */
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  close(): Promise<void>;
}

function resolveConfig(options: FakeEngineOptions): EngineConfig {
  const config: EngineConfig = {
    modelName: options.modelName ?? 'fake-model',
    maxModelLen: options.maxModelLen ?? 4096,
    templateVariant: options.templateVariant ?? 'qwen25',
    version: options.version ?? '0.33.0',
    chunkTokens: options.chunkTokens ?? 1,
    runtimeLoraUpdating: options.runtimeLoraUpdating ?? false,
    devMode: options.devMode ?? false,
  };
  if (config.modelName === '') throw new TypeError('modelName must not be empty');
  if (!Number.isInteger(config.maxModelLen) || config.maxModelLen < 1) throw new RangeError('maxModelLen must be a positive integer');
  if (!Number.isInteger(config.chunkTokens) || config.chunkTokens < 1) throw new RangeError('chunkTokens must be a positive integer');
  if (config.templateVariant !== 'qwen25' && config.templateVariant !== 'qwen3') {
    throw new TypeError("templateVariant must be 'qwen25' or 'qwen3'");
  }
  return Object.freeze(config);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, backlog: 1024 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function startFakeEngine(options: FakeEngineOptions = {}): Promise<FakeEngine> {
  const config = resolveConfig(options);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('port must be 0–65535');
  const faults = new FaultState();
  if (options.faults !== undefined) faults.set(options.faults);
  const tokenizer = new FakeTokenizer();
  const scripts = new ScriptBook();
  const weights = new WeightState();
  const ctx: EngineContext = { config, tokenizer, generator: new Generator(tokenizer, scripts), weights };
  const closing = new AbortController();
  // Every request in flight listens for the engine closing.
  setMaxListeners(0, closing.signal);
  const gate = new StreamGate();
  const deps: RouteDeps = { ctx, scripts, faults, gate, signal: closing.signal };
  const requests: RecordedRequest[] = [];
  const inFlight = new Set<Promise<void>>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://fake-engine').pathname;
    try {
      const text = await readBodyText(req);
      let body: unknown = undefined;
      try {
        body = parseJsonBody(text);
      } finally {
        if (!isControlPath(path)) requests.push({ method, path, headers: { ...req.headers }, body: asRecord(body), rawBody: text });
      }
      if (closing.signal.aborted) return void res.destroy();
      await findRoute(method, path)(deps, { method, path, body, req, res });
    } catch (error) {
      if (res.headersSent) res.destroy();
      else if (error instanceof FakeEngineError) sendError(res, error);
      else sendJson(res, 500, { error: { message: String(error), type: 'InternalServerError', param: null, code: 500 } });
    }
  }

  const server = createServer((req, res) => {
    const task = handle(req, res);
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  const boundPort = await listen(server, port);

  let closed: Promise<void> | undefined;
  async function shutDown(): Promise<void> {
    closing.abort();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await serverClosed;
    await Promise.allSettled([...inFlight]);
    tokenizer.free();
  }

  return {
    url: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
    modelName: config.modelName,
    requests,
    get faults() {
      return faults.current;
    },
    weightUpdates: weights.updates,
    get loras() {
      return weights.loaded;
    },
    get reloadedFrom() {
      return weights.reloadedFrom;
    },
    failWeightUpdates: (fault) => weights.setFault(fault),
    script: (name, replies) => scripts.set(name, replies),
    scriptWhen: (needle, replies) => scripts.setForText(needle, replies),
    setFaults: (patch) => faults.set(patch),
    clearFaults: () => faults.clear(),
    holdStreams: () => gate.hold(),
    encode: (text) => tokenizer.encode(text),
    decode: (ids) => tokenizer.decode(ids),
    close() {
      closed ??= shutDown();
      return closed;
    },
  };
}
