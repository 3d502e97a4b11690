import type { OpenRollout } from '../rollouts/rollout-registry.ts';

/**
 * Sticky replica choice: a rollout's first call picks the replica with the fewest rollouts
 * pinned to it, and every later call of the rollout goes to the same one (its prefix cache).
 */
export class ReplicaPicker {
  private readonly pinned = new WeakMap<OpenRollout, string>();
  private readonly load = new Map<string, number>();

  constructor(private readonly origins: readonly string[]) {
    for (const origin of origins) this.load.set(origin, 0);
  }

  pick(rollout: OpenRollout): string {
    const existing = this.pinned.get(rollout);
    if (existing !== undefined) return existing;
    let best = this.origins[0] as string;
    for (const origin of this.origins) {
      if ((this.load.get(origin) ?? 0) < (this.load.get(best) ?? 0)) best = origin;
    }
    this.load.set(best, (this.load.get(best) ?? 0) + 1);
    this.pinned.set(rollout, best);
    return best;
  }
}
