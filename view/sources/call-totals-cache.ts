import type { RolloutRecord } from '../../src/store/records.ts';
import type { CallTotals, RolloutBrowser } from '../../src/store/rollout-browse.ts';

/**
 * Call totals of a step's rollouts, kept for the rollouts that are closed: their calls no longer
 * change, and reading totals touches every call row (tens of milliseconds for a step of 1,024
 * rollouts), so a page that refreshes while a step runs reads only its open rollouts again. The
 * last few steps are kept.
 */
const STEPS_KEPT = 8;

export class CallTotalsCache {
  private readonly byStep = new Map<string, Map<string, CallTotals>>();

  totalsFor(browser: RolloutBrowser, step: number | null, rollouts: readonly RolloutRecord[]): CallTotals[] {
    const key = String(step);
    const kept = this.byStep.get(key) ?? new Map<string, CallTotals>();
    this.byStep.delete(key);
    this.byStep.set(key, kept);
    while (this.byStep.size > STEPS_KEPT) this.byStep.delete(this.byStep.keys().next().value as string);
    const missing = rollouts.filter((r) => r.status === 'open' || !kept.has(r.id));
    const fresh = new Map(browser.callTotals(missing.map((r) => r.id)).map((t) => [t.rolloutId, t]));
    for (const rollout of missing) {
      const totals = fresh.get(rollout.id);
      if (rollout.status !== 'open' && totals !== undefined) kept.set(rollout.id, totals);
    }
    return rollouts.flatMap((r) => {
      const totals = fresh.get(r.id) ?? kept.get(r.id);
      return totals === undefined ? [] : [totals];
    });
  }
}
