import { Agent, request } from 'undici';
import type { CreateRolloutBody, CreatedRollout, FailRolloutBody, FinishRolloutBody } from '../../src/wire/admin.ts';
import type { RecordedCall, RolloutSamplesView, RolloutView } from './admin-views.ts';
import type { SampleOptions } from '../../src/trajectory/sample-types.ts';

/** An admin API error as the proxy sent it, with its registry code. */
export class AdminApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/**
 * The trainer's side of the proxy's admin API (`src/wire/admin.ts`). The trainer reaches an embedded
 * proxy and an external one the same way: over HTTP with the admin token.
 */
export class AdminClient {
  private readonly dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });

  constructor(readonly rootUrl: string, private readonly adminToken: string) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 0): Promise<T> {
    const response = await request(`${this.rootUrl}${path}`, {
      method,
      dispatcher: this.dispatcher,
      headers: { authorization: `Bearer ${this.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
      ...(timeoutMs > 0 ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
    });
    const text = await response.body.text();
    const json = text === '' ? null : (JSON.parse(text) as unknown);
    if (response.statusCode >= 400) {
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
      throw new AdminApiError(response.statusCode, error?.code ?? 'unknown', `${method} ${path}: ${error?.message ?? text}`);
    }
    return json as T;
  }

  createRollout(body: CreateRolloutBody): Promise<CreatedRollout> {
    return this.call('POST', '/admin/rollouts', body);
  }

  finishRollout(id: string, body: FinishRolloutBody): Promise<RolloutView> {
    return this.call('POST', `/admin/rollouts/${id}/finish`, body);
  }

  failRollout(id: string, body: FailRolloutBody): Promise<RolloutView> {
    return this.call('POST', `/admin/rollouts/${id}/fail`, body);
  }

  getRollout(id: string): Promise<RolloutView & { calls: RecordedCall[] }> {
    return this.call('GET', `/admin/rollouts/${id}`);
  }

  getSamples(id: string, options: SampleOptions = {}): Promise<RolloutSamplesView> {
    const params = new URLSearchParams(Object.entries(options).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    const suffix = params.size > 0 ? `?${params.toString()}` : '';
    return this.call('GET', `/admin/rollouts/${id}/samples${suffix}`);
  }

  pausePolicy(drainTimeoutMs?: number): Promise<{ version: number; paused: boolean; inFlight: number }> {
    return this.call('POST', '/admin/policy/pause', drainTimeoutMs === undefined ? {} : { drainTimeoutMs });
  }

  resumePolicy(version?: number): Promise<{ version: number; paused: boolean }> {
    return this.call('POST', '/admin/policy/resume', version === undefined ? {} : { version });
  }

  policyStatus(): Promise<{ version: number; paused: boolean; inFlight: number }> {
    return this.call('GET', '/admin/policy');
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
