import { Pool, type Dispatcher } from 'undici';
import type { EngineConfig } from '../../src/config/proxy-config.ts';
import { mapUpstreamError } from './map-upstream-error.ts';

export type EngineResponse = {
  statusCode: number;
  headers: Dispatcher.ResponseData['headers'];
  body: Dispatcher.ResponseData['body'];
  origin: string;
};

export type EngineRequest = {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  signal?: AbortSignal;
};

/**
 * One undici Pool per engine origin, sized for the rollouts in flight. Requests are never
 * retried here: a retry is only safe before the first byte, and the caller decides that.
 */
export class EnginePool {
  private readonly pools = new Map<string, Pool>();
  private readonly basePaths = new Map<string, string>();
  private readonly headers: Record<string, string> = {};

  constructor(private readonly config: EngineConfig) {
    if (config.apiKeyEnv !== undefined) {
      const key = process.env[config.apiKeyEnv];
      if (key === undefined || key === '') throw new Error(`engine.apiKeyEnv names ${config.apiKeyEnv}, which is not set`);
      this.headers.authorization = `Bearer ${key}`;
    }
    for (const upstream of config.upstreams) {
      const url = new URL(upstream);
      const origin = url.origin;
      this.basePaths.set(origin, url.pathname.replace(/\/+$/, ''));
      this.pools.set(
        origin,
        new Pool(origin, {
          connections: config.connectionsPerUpstream,
          connectTimeout: config.connectTimeoutMs,
          headersTimeout: config.firstByteTimeoutMs,
          bodyTimeout: config.bodyTimeoutMs,
          keepAliveTimeout: 30_000,
        }),
      );
    }
  }

  get origins(): string[] {
    return [...this.pools.keys()];
  }

  async request(origin: string, request: EngineRequest): Promise<EngineResponse> {
    const pool = this.pools.get(origin);
    if (pool === undefined) throw new Error(`no pool for engine origin ${origin}`);
    try {
      const response = await pool.request({
        method: request.method,
        path: `${this.basePaths.get(origin) ?? ''}${request.path}`,
        headers: request.body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body: request.body ?? null,
        signal: request.signal ?? null,
      });
      return { statusCode: response.statusCode, headers: response.headers, body: response.body, origin };
    } catch (error) {
      if (request.signal?.aborted) throw error;
      throw mapUpstreamError(error, origin, this.config);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}
