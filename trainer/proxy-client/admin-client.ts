import { Agent, errors as undiciErrors, request } from 'undici';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { CreateRolloutBody, CreatedRollout, FailRolloutBody, FinishRolloutBody } from '../../src/wire/admin.ts';
import type { PausePolicyBody, PolicyStatus, ResumePolicyBody } from '../../src/wire/policy.ts';
import type { RecordedCall, RolloutSamplesView, RolloutView } from './admin-views.ts';
import type { SampleOptions } from '../../src/trajectory/sample-types.ts';

/** An admin API error as the proxy sent it, with its registry code. */
export class AdminApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'AdminApiError';
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** A failure of the connection, not an answer: the proxy is down, restarting or not where the URL says. */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof undiciErrors.ConnectTimeoutError || error instanceof undiciErrors.SocketError || (typeof code === 'string' && CONNECTION_CODES.has(code));
}

/**
 * The trainer's side of the proxy's admin API (`src/wire/admin.ts`). The trainer reaches an embedded
 * proxy and an external one the same way: over HTTP with the admin token. A call that cannot
 * reach the proxy fails with RC_ERR_PROXY_UNREACHABLE and tells `onUnreachable` (the proxy pool
 * stops sending rollouts there).
 */
export class AdminClient {
  private readonly dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });

  constructor(
    readonly rootUrl: string,
    private readonly adminToken: string,
    private readonly onUnreachable: (error: RollcallError) => void = () => undefined,
  ) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response;
    let text;
    try {
      response = await request(`${this.rootUrl}${path}`, {
        method,
        dispatcher: this.dispatcher,
        headers: { authorization: `Bearer ${this.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
      });
      text = await response.body.text();
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      const unreachable = new RollcallError('RC_ERR_PROXY_UNREACHABLE', { url: this.rootUrl, detail: error instanceof Error ? error.message : String(error) }, { cause: error });
      this.onUnreachable(unreachable);
      throw unreachable;
    }
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

  pausePolicy(body: PausePolicyBody = {}): Promise<PolicyStatus> {
    return this.call('POST', '/admin/policy/pause', body);
  }

  resumePolicy(body: ResumePolicyBody = {}): Promise<PolicyStatus> {
    return this.call('POST', '/admin/policy/resume', body);
  }

  policyStatus(): Promise<PolicyStatus> {
    return this.call('GET', '/admin/policy');
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
