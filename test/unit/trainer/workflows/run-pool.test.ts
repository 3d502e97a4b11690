import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAll } from '../../../../trainer/workflows/run-pool.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An fn that records how many calls overlap; item = how long the call takes. */
function trackedSleep() {
  const stats = { inFlight: 0, maxInFlight: 0, started: [] as number[] };
  const fn = async (delayMs: number, index: number): Promise<string> => {
    stats.started.push(index);
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    await sleep(delayMs);
    stats.inFlight -= 1;
    return `item-${index}`;
  };
  return { stats, fn };
}

describe('runAll', () => {
  it('keeps at most `concurrency` calls in flight and fills every free slot', async () => {
    const delays = Array.from({ length: 24 }, (_, i) => 5 + ((i * 7) % 11));
    const { stats, fn } = trackedSleep();
    await runAll(delays, 4, fn);
    assert.equal(stats.maxInFlight, 4);
    assert.equal(stats.started.length, 24);
  });

  it('returns results in item order whatever order they finish in', async () => {
    const { fn } = trackedSleep();
    const settledOrder: number[] = [];
    const results = await runAll([40, 5, 25, 1, 15], 3, fn, (_result, index) => settledOrder.push(index));
    assert.deepEqual(results, ['item-0', 'item-1', 'item-2', 'item-3', 'item-4']);
    assert.notDeepEqual(settledOrder, [0, 1, 2, 3, 4], 'completion order differed');
    assert.deepEqual([...settledOrder].sort(), [0, 1, 2, 3, 4]);
  });

  it('creates no call before a slot is free', async () => {
    let created = 0;
    const pending = runAll([1, 2, 3, 4, 5, 6], 2, async (item) => {
      created += 1;
      await sleep(20);
      return item;
    });
    assert.equal(created, 2, 'only two calls exist right after the start');
    assert.deepEqual(await pending, [1, 2, 3, 4, 5, 6]);
  });

  it('handles fewer items than slots, and no items', async () => {
    const { stats, fn } = trackedSleep();
    assert.deepEqual(await runAll([1, 1], 8, fn), ['item-0', 'item-1']);
    assert.equal(stats.maxInFlight, 2);
    assert.deepEqual(await runAll([], 3, fn), []);
  });

  it('stops starting items after a throw, waits for those in flight, then rejects', async () => {
    const finished: number[] = [];
    const started: number[] = [];
    const pending = runAll([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      if (item === 1) throw new Error('pool bug');
      await sleep(30);
      finished.push(item);
      return item;
    });
    await assert.rejects(pending, /pool bug/);
    assert.deepEqual(started, [0, 1], 'nothing started after the failure');
    assert.deepEqual(finished, [0], 'the call in flight was awaited');
  });

  it('rejects a concurrency that is not a positive integer', async () => {
    for (const concurrency of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(runAll([1], concurrency, async (x) => x), RangeError, String(concurrency));
    }
  });
});
