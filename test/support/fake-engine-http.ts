import type { EngineHttp } from '../../proxy/drivers/driver-types.ts';
import type { EngineRequest, EngineResponse } from '../../proxy/upstream/engine-pool.ts';

/**
 * An `EngineHttp` that answers from a table instead of a network: "METHOD /path" → status and
 * body. Every request is kept, with its parsed JSON body, so tests can assert what was sent.
 */
export type FakeAnswer = { status?: number; body: unknown } | ((request: SentRequest) => { status?: number; body: unknown });
export type SentRequest = { method: string; path: string; json: unknown };

export const ORIGIN = 'http://engine.test:8000';

function response(status: number, body: unknown): EngineResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const readable = {
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
    arrayBuffer: async () => new TextEncoder().encode(text).buffer,
    dump: async () => undefined,
  };
  return { statusCode: status, headers: {}, body: readable as unknown as EngineResponse['body'], origin: ORIGIN };
}

export function fakeEngineHttp(routes: Record<string, FakeAnswer>): EngineHttp & { sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const http = async (request: EngineRequest): Promise<EngineResponse> => {
    const entry: SentRequest = { method: request.method, path: request.path, json: request.body === undefined ? undefined : (JSON.parse(request.body) as unknown) };
    sent.push(entry);
    const route = routes[`${request.method} ${request.path}`];
    if (route === undefined) return response(404, { detail: 'Not Found' });
    const answer = typeof route === 'function' ? route(entry) : route;
    return response(answer.status ?? 200, answer.body);
  };
  return Object.assign(http, { sent });
}
