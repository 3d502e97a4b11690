/**
 * vLLM's weight-update routes (`vllm/entrypoints/serve/lora/api_router.py` and the dev-mode
 * routers under `vllm/entrypoints/serve/dev/`), each behind the gate vLLM puts it behind:
 *
 * - `POST /v1/load_lora_adapter`, `POST /v1/unload_lora_adapter` exist only when the server runs
 *   with `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True` (here `runtimeLoraUpdating`); success is 200
 *   `text/plain` "Success: …"; a name already loaded is refused (400) unless `load_inplace`; a
 *   folder that is not there is 404 ("No adapter found"), as is unloading an unknown name.
 * - `POST /collective_rpc` and `POST /reset_prefix_cache` exist only in dev mode
 *   (`VLLM_SERVER_DEV_MODE=1`, here `devMode`); only `reload_weights` is emulated, whose
 *   `kwargs` must be strings over HTTP. Success is `{"results": [null]}` (one worker) and an
 *   empty 200 for the cache reset.
 *
 * Without its gate a route does not exist: FastAPI's 404 `{"detail": "Not Found"}`.
 */
import { existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

import type { EngineContext } from './engine-context.ts';
import { errorBody } from './errors.ts';
import { sendJson } from './http-io.ts';
import type { WeightRoute } from './weight-state.ts';

type JsonObject = Record<string, unknown>;
type Answer = { status: number; text?: string; json?: unknown; loraName?: string; path?: string };

const isFolder = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();
const text = (status: number, body: string): Answer => ({ status, text: body });
const failure = (status: number, message: string): Answer => ({ status, json: errorBody(status, message) });
const nonEmpty = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function loadAdapter(ctx: EngineContext, body: JsonObject): Answer {
  const name = nonEmpty(body['lora_name']);
  const path = nonEmpty(body['lora_path']);
  if (name === null || path === null) return failure(400, "Both 'lora_name' and 'lora_path' must be provided.");
  const answer = { loraName: name, path };
  if (ctx.weights.adapter(name) !== undefined && body['load_inplace'] !== true) {
    return { ...answer, ...failure(400, `The lora adapter '${name}' has already been loaded. If you want to load the adapter in place, set 'load_inplace' to True.`) };
  }
  if (!isFolder(path)) return { ...answer, ...failure(404, `Loading lora ${name} failed: No adapter found for ${path}`) };
  const fault = ctx.weights.takeFault();
  if (fault !== null) return { ...answer, ...failure(fault.status, fault.message) };
  ctx.weights.load(name, path);
  return { ...answer, ...text(200, `Success: LoRA adapter '${name}' added successfully.`) };
}

function unloadAdapter(ctx: EngineContext, body: JsonObject): Answer {
  const name = nonEmpty(body['lora_name']);
  if (name === null) return failure(400, "'lora_name' needs to provided to unload a LoRA adapter.");
  if (!ctx.weights.unload(name)) return { loraName: name, ...failure(404, `The lora adapter '${name}' cannot be found.`) };
  return { loraName: name, ...text(200, `Success: LoRA adapter '${name}' removed successfully.`) };
}

function collectiveRpc(ctx: EngineContext, body: JsonObject): Answer {
  const method = body['method'];
  if (method === undefined || method === null) return { status: 400, json: { detail: "Missing 'method' in request body" } };
  if (method !== 'reload_weights') return failure(400, `fake engine: collective_rpc method ${String(method)} is not supported`);
  const kwargs = (typeof body['kwargs'] === 'object' && body['kwargs'] !== null ? body['kwargs'] : {}) as JsonObject;
  if (!Object.values(kwargs).every((v) => typeof v === 'string')) return failure(400, 'fake engine: collective_rpc kwargs must be strings over HTTP');
  const path = nonEmpty(kwargs['weights_path']);
  if (path === null) return failure(400, 'fake engine: reload_weights needs kwargs.weights_path');
  if (!isFolder(path)) return { path, ...failure(500, `FileNotFoundError: no weights at ${path}`) };
  const fault = ctx.weights.takeFault();
  if (fault !== null) return { path, ...failure(fault.status, fault.message) };
  ctx.weights.reloadedFrom = path;
  return { path, status: 200, json: { results: [null] } };
}

const HANDLERS: Readonly<Record<WeightRoute, { gate: 'runtimeLoraUpdating' | 'devMode'; run: (ctx: EngineContext, body: JsonObject) => Answer }>> = {
  '/v1/load_lora_adapter': { gate: 'runtimeLoraUpdating', run: loadAdapter },
  '/v1/unload_lora_adapter': { gate: 'runtimeLoraUpdating', run: unloadAdapter },
  '/collective_rpc': { gate: 'devMode', run: collectiveRpc },
  '/reset_prefix_cache': { gate: 'devMode', run: () => text(200, '') },
};

export const WEIGHT_ROUTES = Object.keys(HANDLERS) as WeightRoute[];

/** Answers one weight-update request and records it in `ctx.weights.updates`. */
export function handleWeightRoute(ctx: EngineContext, route: WeightRoute, body: unknown, res: ServerResponse): void {
  const handler = HANDLERS[route];
  if (!ctx.config[handler.gate]) return sendJson(res, 404, { detail: 'Not Found' });
  const input = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as JsonObject;
  const answer = handler.run(ctx, input);
  ctx.weights.record({ route, status: answer.status, ...(answer.loraName === undefined ? {} : { loraName: answer.loraName }), ...(answer.path === undefined ? {} : { path: answer.path }) });
  if (answer.json !== undefined) return sendJson(res, answer.status, answer.json);
  const content = answer.text ?? '';
  // Starlette's bare Response(status_code=200): no content type for an empty body.
  res.writeHead(answer.status, content === '' ? { 'content-length': 0 } : { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(content) });
  res.end(content);
}
