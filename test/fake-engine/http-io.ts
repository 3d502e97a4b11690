/**
 * The few `node:http` helpers the fake engine needs: reading a JSON body, answering JSON the way
 * FastAPI/Starlette does (compact, `application/json`), abortable sleeps, and draining writes.
 *
 * `toWireJson` is `JSON.stringify` plus one thing: a `Map` is written as an object in insertion
 * order. JavaScript objects put integer-like keys ("1", "42") first, Python dicts do not, and
 * completions' legacy `top_logprobs` maps are keyed by token strings that can look like integers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { badRequest, type FakeEngineError } from './errors.ts';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readBodyText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw badRequest('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a request body; an empty body counts as `{}`. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('JSON decode error: the request body is not valid JSON');
  }
}

function containsMap(value: unknown): boolean {
  if (value instanceof Map) return true;
  if (Array.isArray(value)) return value.some(containsMap);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsMap);
  return false;
}

function writeWire(value: unknown): string {
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [key, item] of value as Map<unknown, unknown>) {
      parts.push(`${JSON.stringify(String(key))}:${writeWire(item)}`);
    }
    return `{${parts.join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => writeWire(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const parts: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) parts.push(`${JSON.stringify(key)}:${writeWire(item)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Serialises a response body; the fast native path unless a `Map` is inside. */
export function toWireJson(value: unknown): string {
  return containsMap(value) ? writeWire(value) : JSON.stringify(value);
}

export function sendJsonText(res: ServerResponse, status: number, json: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

export function sendError(res: ServerResponse, error: FakeEngineError): void {
  sendJson(res, error.status, error.toBody());
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Writes a chunk and resolves once it has been handed to the socket, so that backpressure is
 * respected and a deliberate `destroy()` afterwards does not discard it. Also resolves when the
 * response closes first: Node drops write callbacks of a destroyed socket.
 */
export function writeChunk(res: ServerResponse, chunk: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('close', done);
      resolve();
    };
    res.on('close', done);
    res.write(chunk, done);
  });
}
