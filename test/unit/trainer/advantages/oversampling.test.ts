import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  greedyMaxVariance,
  oversampledGroupSize,
  selectMaxSpread,
} from '../../../../trainer/advantages/oversampling.ts';

const candidate = (id: string, groupId: string, reward: number) => ({ id, groupId, reward });

describe('greedy max-spread selection', () => {
  it('prefers extremes over the middle', () => {
    // Rewards [0, 0, 0, 1, 0, 0.5], keep 3. Seeds: lowest at 0, highest at 3.
    // Adding a 0: {0, 1, 0} variance 2/9 = 0.222; adding 0.5: {0, 1, 0.5} variance 1/6 = 0.167.
    // → the first unchosen 0 (position 1).
    assert.deepEqual(greedyMaxVariance([0, 0, 0, 1, 0, 0.5], 3), [0, 1, 3]);
  });

  it('balances binary rewards as far as the group allows', () => {
    // [1, 1, 1, 0, 1, 1], keep 4: seeds 3 (the only 0) and 0; then 1s at 1 and 2.
    assert.deepEqual(greedyMaxVariance([1, 1, 1, 0, 1, 1], 4), [0, 1, 2, 3]);
    // [1, 0, 1, 0, 1, 0], keep 4: seeds 1 (first 0) and 0 (first 1); {1,0,1}: 2/9, {1,0,0}: 2/9
    // → tie, earliest (2); then {1,0,1,0} = 0.25 beats {1,0,1,1} = 0.1875 → 3.
    assert.deepEqual(greedyMaxVariance([1, 0, 1, 0, 1, 0], 4), [0, 1, 2, 3]);
  });

  it('selects per group, discards all-equal groups and reports short ones', () => {
    const candidates = [
      candidate('a1', 'a', 0), candidate('b1', 'b', 1), candidate('a2', 'a', 1),
      candidate('b2', 'b', 1), candidate('a3', 'a', 0), candidate('c1', 'c', 0.5),
      candidate('a4', 'a', 0), candidate('b3', 'b', 1), candidate('c2', 'c', 1),
      candidate('d1', 'd', 1),
    ];
    const result = selectMaxSpread(candidates, { groupSize: 3 });
    // a: rewards [0, 1, 0, 0] → keep positions 0, 1, 2 → a1, a2, a3 (a4 is surplus).
    // b: all 1 → discarded. c: [0.5, 1], spread but 2 < 3 → kept whole, short.
    // d: a group of one has no spread → discarded.
    assert.deepEqual(result.selected.map((c) => c.id), ['a1', 'a2', 'a3', 'c1', 'c2']);
    assert.deepEqual(result.unselected.map((c) => c.id), ['b1', 'b2', 'a4', 'b3', 'd1']);
    assert.deepEqual(result.discardedGroupIds, ['b', 'd']);
    assert.deepEqual(result.shortGroupIds, ['c']);
    assert.deepEqual(result.metrics, {
      'oversample/groups': 4,
      'oversample/kept_groups': 2,
      'oversample/discarded_groups': 2,
      'oversample/short_groups': 1,
      'oversample/unselected_rollouts': 5,
    });
  });

  it('sizes the oversampled launch and refuses a group size without spread', () => {
    assert.equal(oversampledGroupSize(4, 1.5), 6);
    assert.equal(oversampledGroupSize(5, 1.5), 8);
    assert.throws(() => oversampledGroupSize(4, 0.5), RangeError);
    assert.throws(() => selectMaxSpread([], { groupSize: 1 }), RangeError);
    assert.throws(() => selectMaxSpread([candidate('x', 'g', Number.NaN)], { groupSize: 2 }), RangeError);
  });
});
