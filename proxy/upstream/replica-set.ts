import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { Logger } from '../../src/logging/logger.ts';
import type { EnginePool, EngineRequest, EngineResponse } from './engine-pool.ts';

/** `checked`: a health check has answered; until then a replica is assumed healthy. */
type Replica = { origin: string; healthy: boolean; checked: boolean; pinned: number };

/** Told after every health check of a replica; `changed`: it went in or out of rotation. */
export type HealthListener = (check: { origin: string; healthy: boolean; changed: boolean }) => void;

export type ReplicaState = { origin: string; healthy: boolean; checked: boolean; pinned: number };

/** Who a request is for: a rollout stays on one replica (its prefix cache) while it is healthy. */
export type ReplicaUser = object;

/**
 * Replica routing. A rollout's first call picks the healthy replica with the fewest rollouts
 * pinned to it; later calls stay there. Health checks (`GET /health`) take a failing replica
 * out and bring it back; the first round runs at once, so an engine that comes up after the
 * proxy is seen within one interval. A request fails over to another replica only when no byte
 * of an answer came back (the connection was refused or reset before the response started).
 */
export class ReplicaSet {
  private readonly replicas: Replica[];
  private readonly pins = new WeakMap<ReplicaUser, Replica>();
  private timer: NodeJS.Timeout | null = null;

  private readonly listeners: HealthListener[] = [];

  constructor(
    private readonly pool: EnginePool,
    private readonly logger: Logger,
  ) {
    this.replicas = pool.origins.map((origin) => ({ origin, healthy: true, checked: false, pinned: 0 }));
  }

  onHealthCheck(listener: HealthListener): void {
    this.listeners.push(listener);
  }

  startHealthChecks(intervalMs: number, timeoutMs: number): void {
    void this.checkAll(timeoutMs);
    this.timer = setInterval(() => void this.checkAll(timeoutMs), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  async checkAll(timeoutMs: number): Promise<void> {
    await Promise.all(
      this.replicas.map(async (replica) => {
        let ok = false;
        try {
          const response = await this.pool.request(replica.origin, { method: 'GET', path: '/health', signal: AbortSignal.timeout(timeoutMs) });
          await response.body.dump();
          ok = response.statusCode === 200;
        } catch {
          ok = false;
        }
        this.setHealth(replica, ok, true);
      }),
    );
  }

  private setHealth(replica: Replica, healthy: boolean, checked = false): void {
    const changed = replica.healthy !== healthy;
    replica.healthy = healthy;
    replica.checked ||= checked;
    if (changed) this.logger.warn({ replica: replica.origin, healthy }, healthy ? 'replica back in rotation' : 'replica taken out of rotation');
    for (const listener of this.listeners) listener({ origin: replica.origin, healthy, changed });
  }

  /** The replica a user's next request goes to. */
  pick(user: ReplicaUser): string {
    return this.pinFor(user, null).origin;
  }

  private pinFor(user: ReplicaUser, avoid: Set<Replica> | null): Replica {
    const current = this.pins.get(user);
    if (current !== undefined && current.healthy && !avoid?.has(current)) return current;
    const candidates = this.replicas.filter((r) => r.healthy && !avoid?.has(r));
    const pool = candidates.length > 0 ? candidates : this.replicas.filter((r) => !avoid?.has(r));
    const best = pool.reduce<Replica | undefined>((a, b) => (a === undefined || b.pinned < a.pinned ? b : a), undefined);
    if (best === undefined) throw new RollcallError('RC_ERR_UPSTREAM_CONNECT', { origin: this.replicas.map((r) => r.origin).join(', '), detail: 'no replica left to try' });
    if (current !== undefined) current.pinned -= 1;
    best.pinned += 1;
    this.pins.set(user, best);
    return best;
  }

  /** Sends a request for `user`, failing over only while no answer has started. */
  async request(user: ReplicaUser, request: EngineRequest): Promise<EngineResponse> {
    const tried = new Set<Replica>();
    for (;;) {
      const replica = this.pinFor(user, tried);
      tried.add(replica);
      try {
        const response = await this.pool.request(replica.origin, request);
        return response;
      } catch (error) {
        const failedBeforeAnswer = error instanceof RollcallError && (error.code === 'RC_ERR_UPSTREAM_CONNECT' || error.code === 'RC_ERR_UPSTREAM_RESET');
        if (!failedBeforeAnswer || request.signal?.aborted) throw error;
        this.setHealth(replica, false);
        if (tried.size >= this.replicas.length) throw error;
        this.logger.warn({ replica: replica.origin, code: error.code }, 'failing over to another replica');
      }
    }
  }

  state(): ReplicaState[] {
    return this.replicas.map(({ origin, healthy, checked, pinned }) => ({ origin, healthy, checked, pinned }));
  }
}
