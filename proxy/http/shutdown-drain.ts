import { setMaxListeners } from 'node:events';
import type { Server, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RollcallError } from '../../src/errors/rollcall-error.ts';

/**
 * Graceful-shutdown policy (SIGTERM/SIGINT, and so `docker stop` and Kubernetes): stop
 * listening and refuse new requests with a retryable 503, let the requests in flight finish for
 * a grace period, then abort the calls still running: a stream ends with one SSE error event
 * carrying RC_ERR_SERVER_SHUTTING_DOWN, a whole answer becomes that 503, and each such call is
 * recorded `aborted` with the reason "shutdown". Only when every response has closed does the
 * caller close the server and the database, so no committed answer is cut on the wire.
 */
export type DrainReport = { inFlight: number; cut: number };

export class ShutdownDrain {
  private readonly open = new Set<ServerResponse>();
  private readonly graceOver = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private draining = false;

  constructor() {
    // Every call in flight listens to this one signal.
    setMaxListeners(0, this.graceOver.signal);
  }

  /** Requests whose response has not closed yet. */
  get inFlight(): number {
    return this.open.size;
  }

  /** Aborted when the grace period ends: calls still in flight stop (reason: the shutdown error). */
  get signal(): AbortSignal {
    return this.graceOver.signal;
  }

  /** `onRequest` hook for every route: refuses requests once draining, tracks the rest until their response closes. */
  readonly onRequest = async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (this.draining) throw new RollcallError('RC_ERR_SERVER_SHUTTING_DOWN', { detail: 'it accepts no new requests; retry against another proxy or after the restart' });
    const res = reply.raw;
    this.open.add(res);
    res.once('close', () => {
      this.open.delete(res);
      if (this.open.size === 0) this.wakeIdle();
    });
  };

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private idle(): Promise<void> {
    return this.open.size === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends the grace period now (a second signal): calls still in flight are aborted. */
  endGrace(detail: string): void {
    if (!this.graceOver.signal.aborted) this.graceOver.abort(new RollcallError('RC_ERR_SERVER_SHUTTING_DOWN', { detail }));
  }

  /**
   * Stops listening (idle keep-alive connections close too), waits up to `graceMs` for the
   * requests in flight, aborts the calls left, and resolves once every response has closed.
   */
  async drain(server: Server, graceMs: number): Promise<DrainReport> {
    this.draining = true;
    server.close();
    for (const res of this.open) res.shouldKeepAlive = false;
    const inFlight = this.open.size;
    let timer: NodeJS.Timeout | undefined;
    const graceEnded = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      this.graceOver.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([this.idle(), graceEnded]);
    clearTimeout(timer);
    const cut = this.open.size;
    if (cut > 0) this.endGrace(`its grace period of ${graceMs} ms ended before the answer was complete`);
    await this.idle();
    return { inFlight, cut };
  }
}

/** Whether a call was stopped by the shutdown (its signal's reason), rather than by its client. */
export function isShutdownAbort(signal: AbortSignal): signal is AbortSignal & { reason: RollcallError } {
  return signal.aborted && signal.reason instanceof RollcallError && signal.reason.code === 'RC_ERR_SERVER_SHUTTING_DOWN';
}
