/**
 * A typed client of an environment service (protocol in `env-service-wire.ts`), on one undici
 * Pool with explicit timeouts.
 *
 * Retry policy: none here. `create` and `step` change the environment, so only the caller knows
 * whether a retry is safe; errors say whether one can help (`retryable`): a refused connection or
 * a timeout can, and so can HTTP 429/502/503/504; a 400 or a 500 with a traceback cannot.
 *
 * @example
 * const env = new EnvServiceClient({ url: 'http://127.0.0.1:8080', timeoutMs: 300_000 });
 * const [taskId] = await env.listTasks('appworld', 'train');
 * const instance = await env.create('appworld', taskId);
 * await env.step(instance.instanceId, { role: 'assistant', content: 'print(1)' });
 * const score = await env.evaluate(instance.instanceId, { params: { sparse: false } });
 * await env.release(instance.instanceId);
 * await env.close();
 */
import { errors as undiciErrors, Pool } from 'undici';
import type { z } from 'zod';
import {
  EnvelopeSchema,
  type EnvInstance,
  type EnvMessage,
  type EnvObservation,
  fromObservationWire,
  ObservationWireSchema,
  ScoreSchema,
  TaskIdsSchema,
  toWireBody,
  type WireRequest,
} from './env-service-wire.ts';
import { describeThrown, taskError } from './task-errors.ts';

export type EnvServiceClientOptions = {
  url: string;
  timeoutMs: number;
  /** Connections kept to the service; at least the rollouts in flight. Default unlimited. */
  connections?: number;
};

export type EnvCallOptions = {
  params?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
};

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN', 'ENETUNREACH']);
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** FastAPI puts the reason in `detail`; a 500's detail is a traceback whose last lines matter. */
function readDetail(text: string): string {
  let detail = text;
  try {
    const parsed = JSON.parse(text) as { detail?: unknown };
    if (typeof parsed.detail === 'string') detail = parsed.detail;
    else if (parsed.detail !== undefined) detail = JSON.stringify(parsed.detail);
  } catch {
    // Not JSON: the raw text is the best there is.
  }
  detail = detail.trim();
  return detail.length > 600 ? `…${detail.slice(-600)}` : detail;
}

export class EnvServiceClient {
  readonly url: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly timeoutMs: number;

  constructor(options: EnvServiceClientOptions) {
    const parsed = new URL(options.url);
    this.url = options.url;
    this.basePath = parsed.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.pool = new Pool(parsed.origin, {
      connections: options.connections ?? null,
      connectTimeout: Math.min(10_000, options.timeoutMs),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Task ids of one split (`POST /get_env_profile`). */
  async listTasks(envType: string, split: string, options: EnvCallOptions = {}): Promise<string[]> {
    const body = await this.post('get_env_profile', { envType, params: { split, ...options.params } }, options);
    const envelope = this.check('get_env_profile', EnvelopeSchema, body);
    const raw = envelope.data ?? envelope['task_ids'];
    return this.check('get_env_profile', TaskIdsSchema, raw).map(String);
  }

  /** Starts an instance of a task; its first observation holds the prompt. */
  async create(
    envType: string,
    taskId: string,
    options: EnvCallOptions & { instanceId?: string } = {},
  ): Promise<EnvInstance> {
    const request: WireRequest = { envType, taskId, params: options.params ?? {} };
    if (options.instanceId !== undefined) request.instanceId = options.instanceId;
    const wire = this.check('create', ObservationWireSchema, await this.data('create', request, options));
    const sent = wire.info.instance_id;
    const instanceId = sent !== undefined && sent !== '' ? sent : options.instanceId;
    if (instanceId === undefined || instanceId === '') {
      throw taskError('RC_ERR_ENV_BAD_RESPONSE', `Environment service ${this.url} create: no info.instance_id in the answer`);
    }
    return { ...fromObservationWire(wire), instanceId, taskId: String(wire.info.task_id ?? taskId) };
  }

  /** Applies one action (`messages` on the wire) and returns the next observation. */
  async step(instanceId: string, action: EnvMessage, options: EnvCallOptions = {}): Promise<EnvObservation> {
    const request: WireRequest = { instanceId, messages: action, params: options.params ?? {} };
    return fromObservationWire(this.check('step', ObservationWireSchema, await this.data('step', request, options)));
  }

  /** The instance's score; AgentJet's judge sends `params: { sparse: false }`. */
  async evaluate(instanceId: string, options: EnvCallOptions & { messages?: unknown } = {}): Promise<number> {
    const request: WireRequest = { instanceId, messages: options.messages ?? {}, params: options.params ?? {} };
    return this.check('evaluate', ScoreSchema, await this.data('evaluate', request, options));
  }

  /** Frees the instance; `false` when the service says it could not (e.g. already released). */
  async release(instanceId: string, options: EnvCallOptions = {}): Promise<boolean> {
    const body = this.check('release', EnvelopeSchema, await this.post('release', { instanceId }, options));
    return body.success === true;
  }

  /** `GET /healthz`: true on a 2xx answer; transport failures throw like any call. */
  async isHealthy(options: EnvCallOptions = {}): Promise<boolean> {
    const { statusCode } = await this.send('GET', 'healthz', undefined, options);
    return statusCode >= 200 && statusCode < 300;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async data(endpoint: string, request: WireRequest, options: EnvCallOptions): Promise<unknown> {
    return this.check(endpoint, EnvelopeSchema, await this.post(endpoint, request, options)).data;
  }

  private check<S extends z.ZodType>(endpoint: string, schema: S, value: unknown): z.output<S> {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const at = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw taskError(
      'RC_ERR_ENV_BAD_RESPONSE',
      `Environment service ${this.url} ${endpoint}: unexpected answer${at}: ${issue?.message ?? 'invalid'}`,
      { cause: result.error },
    );
  }

  private async post(endpoint: string, request: WireRequest, options: EnvCallOptions): Promise<unknown> {
    const { statusCode, text } = await this.send('POST', endpoint, JSON.stringify(toWireBody(request)), options);
    if (statusCode >= 400) {
      const message = `Environment service ${this.url} ${endpoint} failed with HTTP ${statusCode}: ${readDetail(text)}`;
      throw taskError('RC_ERR_ENV_FAILED', message, { retryable: RETRYABLE_STATUSES.has(statusCode) });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const message = `Environment service ${this.url} ${endpoint}: answer is not JSON: ${readDetail(text)}`;
      throw taskError('RC_ERR_ENV_BAD_RESPONSE', message, { cause: error });
    }
  }

  private async send(
    method: 'GET' | 'POST',
    endpoint: string,
    body: string | undefined,
    options: EnvCallOptions,
  ): Promise<{ statusCode: number; text: string }> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
    try {
      const response = await this.pool.request({
        method,
        path: `${this.basePath}/${endpoint}`,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body ?? null,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      return { statusCode: response.statusCode, text: await response.body.text() };
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      throw this.transportError(endpoint, error, timeout.aborted, timeoutMs);
    }
  }

  private transportError(endpoint: string, error: unknown, timedOut: boolean, timeoutMs: number): Error {
    const code = (error as { code?: unknown } | null)?.code;
    const isTimeout =
      timedOut || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError;
    if (isTimeout) {
      const message = `Environment service ${this.url} ${endpoint} did not answer within ${timeoutMs} ms`;
      return taskError('RC_ERR_ENV_TIMEOUT', message, { cause: error });
    }
    if (error instanceof undiciErrors.ConnectTimeoutError || (typeof code === 'string' && CONNECT_CODES.has(code))) {
      const message = `Cannot reach the environment service at ${this.url} (${String(code ?? 'connect timeout')})`;
      return taskError('RC_ERR_ENV_UNREACHABLE', message, { cause: error });
    }
    // The request may have reached the environment: not safely retryable for create/step.
    const message = `Environment service ${this.url} ${endpoint}: connection failed (${describeThrown(error)})`;
    return taskError('RC_ERR_ENV_FAILED', message, { cause: error });
  }
}
