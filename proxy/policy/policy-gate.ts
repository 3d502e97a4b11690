import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { PolicyStatus } from '../../src/wire/policy.ts';

/**
 * Weight-update window. While paused, new calls wait (up to `maxWaitMs`, then 429 with
 * Retry-After); pausing waits for the calls in flight to drain; resuming bumps the policy
 * version. A call records the version current when it was admitted, and since no call is in
 * flight across a pause, every call was served by exactly that version.
 */
export class PolicyGate {
  private version: number;
  private paused = false;
  private inFlight = 0;
  private pausedAt: number | null = null;
  private resumeWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly options: { maxWaitMs: number; initialVersion?: number }) {
    this.version = options.initialVersion ?? 0;
  }

  /** Admits a call, waiting out a pause (until `signal` aborts: rejects with its reason); returns the policy version that serves it. */
  async admit(signal?: AbortSignal): Promise<number> {
    if (this.paused) await this.waitForResume(signal);
    this.inFlight += 1;
    return this.version;
  }

  release(): void {
    this.inFlight -= 1;
    if (this.inFlight === 0) this.flush('drain');
  }

  private waitForResume(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const stop = (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.resumeWaiters = this.resumeWaiters.filter((w) => w !== onResume);
        reject(error);
      };
      const timer = setTimeout(() => {
        const retryAfterS = Math.max(1, Math.ceil(this.options.maxWaitMs / 1000));
        stop(new RollcallError('RC_ERR_POLICY_PAUSED', { retryAfterS }, { headers: { 'retry-after': String(retryAfterS) } }));
      }, this.options.maxWaitMs);
      const onAbort = () => stop(signal?.reason);
      const onResume = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.resumeWaiters.push(onResume);
    });
  }

  /** Stops admitting calls and resolves once none is in flight (or fails after `timeoutMs`). */
  async pause(timeoutMs: number): Promise<PolicyStatus> {
    if (!this.paused) {
      this.paused = true;
      this.pausedAt = Date.now();
    }
    if (this.inFlight > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.drainWaiters = this.drainWaiters.filter((w) => w !== onDrain);
          reject(new RollcallError('RC_ERR_POLICY_DRAIN_TIMEOUT', { inFlight: this.inFlight, timeoutMs }));
        }, timeoutMs);
        const onDrain = () => {
          clearTimeout(timer);
          resolve();
        };
        this.drainWaiters.push(onDrain);
      });
    }
    return this.status();
  }

  /** Resumes with the next version (or the one given, which must not go backwards). */
  resume(version?: number): PolicyStatus {
    if (!this.paused) throw new RollcallError('RC_ERR_POLICY_NOT_PAUSED');
    // An explicit version at or above the current one is taken as it is (the same one: the update
    // failed and the old weights still serve); none, or a stale one, bumps by one.
    this.version = version !== undefined && version >= this.version ? version : this.version + 1;
    this.paused = false;
    this.pausedAt = null;
    this.flush('resume');
    return this.status();
  }

  private flush(kind: 'resume' | 'drain'): void {
    const waiters = kind === 'resume' ? this.resumeWaiters : this.drainWaiters;
    if (kind === 'resume') this.resumeWaiters = [];
    else this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  get currentVersion(): number {
    return this.version;
  }

  status(): PolicyStatus {
    return { version: this.version, paused: this.paused, inFlight: this.inFlight, waiting: this.resumeWaiters.length, pausedAt: this.pausedAt };
  }
}
