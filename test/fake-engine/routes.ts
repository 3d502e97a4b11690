/**
 * Request routing for the fake engine: vLLM's public routes, its weight-update routes (gated as
 * vLLM gates them, weight-routes.ts), plus the `/fake/*` control routes.
 * Unknown paths get FastAPI's `{"detail": "Not Found"}`, a known path with the wrong method
 * `{"detail": "Method Not Allowed"}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { chatCompletionBody } from './chat-response.ts';
import { chatStreamEvents } from './chat-stream.ts';
import { prepareChat } from './chat-request.ts';
import { completionBodyJson, completionStreamEvents, prepareCompletion } from './completions.ts';
import { corruptBody, corruptEvents } from './corruptions.ts';
import type { EngineContext } from './engine-context.ts';
import { errorBody } from './errors.ts';
import type { Faults, FaultState } from './faults.ts';
import { sendJson, sendJsonText, sleep } from './http-io.ts';
import { modelListBody, versionBody } from './models.ts';
import type { ScriptBook } from './scripts.ts';
import { type StreamEvent, writeSseStream } from './sse-writer.ts';
import type { StreamGate } from './stream-gate.ts';
import { detokenizeBody, tokenizeBody } from './tokenize.ts';
import { handleWeightRoute, WEIGHT_ROUTES } from './weight-routes.ts';

export interface RouteDeps {
  ctx: EngineContext;
  scripts: ScriptBook;
  faults: FaultState;
  /** Holds streams after their first event while a test wants them in flight. */
  gate: StreamGate;
  /** Aborted when the engine closes: sleeps end early and streams stop. */
  signal: AbortSignal;
}

export interface RouteRequest {
  method: string;
  path: string;
  body: unknown;
  req: IncomingMessage;
  res: ServerResponse;
}

type Handler = (deps: RouteDeps, request: RouteRequest) => void | Promise<void>;

const DEFAULT_FAULT_MESSAGES: Readonly<Record<number, string>> = { 500: 'Internal server error' };

function headerRequestId(req: IncomingMessage): string | undefined {
  const value = req.headers['x-request-id'];
  return typeof value === 'string' ? value : undefined;
}

/** Aborts when the engine closes or the client goes away, so no handler sleeps for nobody. */
function requestSignal(deps: RouteDeps, res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  if (deps.signal.aborted) gone.abort();
  const onEngineClose = (): void => gone.abort();
  deps.signal.addEventListener('abort', onEngineClose, { once: true });
  res.once('close', () => {
    deps.signal.removeEventListener('abort', onEngineClose);
    gone.abort();
  });
  return gone.signal;
}

/** The `dropChoices` fault: the last N choices are never sent. */
function withoutDropped<T>(choices: T[], faults: Readonly<Faults>): T[] {
  return faults.dropChoices === null ? choices : choices.slice(0, Math.max(0, choices.length - faults.dropChoices));
}

async function generate(deps: RouteDeps, request: RouteRequest, kind: 'chat' | 'completion'): Promise<void> {
  const { ctx } = deps;
  const { res } = request;
  const signal = requestSignal(deps, res);
  const faults: Readonly<Faults> = deps.faults.take();
  await sleep(faults.latencyMs, signal);
  if (signal.aborted) return void res.destroy();
  if (faults.errorStatus !== null) {
    const message = faults.errorMessage ?? DEFAULT_FAULT_MESSAGES[faults.errorStatus] ?? `fake engine fault ${faults.errorStatus}`;
    if (faults.retryAfterS !== null) res.setHeader('retry-after', String(faults.retryAfterS));
    return sendJson(res, faults.errorStatus, errorBody(faults.errorStatus, message));
  }
  const requestId = headerRequestId(request.req);
  let stream: boolean;
  let events: () => StreamEvent[];
  let json: () => string;
  if (kind === 'chat') {
    const prepared = prepareChat(ctx, request.body, requestId);
    prepared.choices = withoutDropped(prepared.choices, faults);
    stream = prepared.stream;
    events = () => chatStreamEvents(ctx.tokenizer, ctx.config.modelName, prepared, ctx.config.chunkTokens);
    json = () => JSON.stringify(chatCompletionBody(ctx.tokenizer, ctx.config.modelName, prepared));
  } else {
    const prepared = prepareCompletion(ctx, request.body, requestId);
    prepared.choices = withoutDropped(prepared.choices, faults);
    stream = prepared.stream;
    events = () => completionStreamEvents(ctx, prepared);
    json = () => completionBodyJson(ctx, prepared);
  }
  if (stream) return writeSseStream(res, corruptEvents(events(), faults.corrupt), faults, signal, deps.gate);
  if (faults.disconnectAfterTokens !== null) return void res.destroy();
  const text = corruptBody(json(), faults.corrupt);
  await sleep(faults.firstByteDelayMs, signal);
  if (signal.aborted) return void res.destroy();
  sendJsonText(res, 200, text);
}

function setScript(deps: RouteDeps, { body, res }: RouteRequest): void {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const replies = input['replies'];
  const list = Array.isArray(replies) ? (replies as string[]) : [];
  if (typeof input['whenPromptContains'] === 'string') deps.scripts.setForText(input['whenPromptContains'], list);
  else deps.scripts.set(String(input['name'] ?? ''), list);
  sendJson(res, 200, { ok: true });
}

const ROUTES: Readonly<Record<string, Readonly<Record<string, Handler>>>> = {
  '/v1/chat/completions': { POST: (deps, request) => generate(deps, request, 'chat') },
  '/v1/completions': { POST: (deps, request) => generate(deps, request, 'completion') },
  '/tokenize': { POST: ({ ctx }, { body, res }) => sendJson(res, 200, tokenizeBody(ctx, body)) },
  '/detokenize': { POST: ({ ctx }, { body, res }) => sendJson(res, 200, detokenizeBody(ctx, body)) },
  '/v1/models': { GET: ({ ctx }, { res }) => sendJson(res, 200, modelListBody(ctx.config, ctx.weights.loaded)) },
  ...Object.fromEntries(WEIGHT_ROUTES.map((route) => [route, { POST: ({ ctx }: RouteDeps, { body, res }: RouteRequest) => handleWeightRoute(ctx, route, body, res) }])),
  '/version': { GET: ({ ctx }, { res }) => sendJson(res, 200, versionBody(ctx.config)) },
  '/health': {
    GET: (_deps, { res }) => {
      res.writeHead(200, { 'content-length': 0 });
      res.end();
    },
  },
  '/fake/scripts': { POST: setScript },
  '/fake/faults': {
    GET: (deps, { res }) => sendJson(res, 200, deps.faults.current),
    POST: (deps, { body, res }) => {
      deps.faults.set(body);
      sendJson(res, 200, deps.faults.current);
    },
    DELETE: (deps, { res }) => {
      deps.faults.clear();
      sendJson(res, 200, deps.faults.current);
    },
  },
};

/** The handler for a method and path, or the FastAPI-style 404/405 answer. */
export function findRoute(method: string, path: string): Handler {
  const byMethod = ROUTES[path];
  if (byMethod === undefined) return (_deps, { res }) => sendJson(res, 404, { detail: 'Not Found' });
  return byMethod[method] ?? ((_deps, { res }) => sendJson(res, 405, { detail: 'Method Not Allowed' }));
}

/** Paths whose requests are test control, not engine traffic: not recorded. */
export function isControlPath(path: string): boolean {
  return path.startsWith('/fake/');
}
