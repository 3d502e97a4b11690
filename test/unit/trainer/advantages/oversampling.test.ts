import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { filterGroups, oversampledTaskCount } from '../../../../trainer/advantages/oversampling.ts';

const candidate = (id: string, groupId: string, reward: number) => ({ id, groupId, reward });

describe('DAPO-style group filtering', () => {
  const candidates = [
    candidate('a1', 'a', 0), candidate('b1', 'b', 1), candidate('a2', 'a', 1),
    candidate('b2', 'b', 1), candidate('a3', 'a', 0), candidate('c1', 'c', 0.5),
    candidate('a4', 'a', 0), candidate('b3', 'b', 1), candidate('c2', 'c', 1),
    candidate('d1', 'd', 1), candidate('e1', 'e', 0), candidate('e2', 'e', 1),
  ];

  it('keeps whole groups with spread, in serving order, and drops flat ones', () => {
    const result = filterGroups(candidates, { groupCount: 2 });
    // a [0, 1, 0, 0]: spread, kept whole (all four, not a max-variance three).
    // b: all 1 → flat. c [0.5, 1]: spread, kept. d: one member → flat. e: spread but surplus.
    assert.deepEqual(result.kept.map((c) => c.id), ['a1', 'a2', 'a3', 'c1', 'a4', 'c2']);
    assert.deepEqual(result.flatGroupIds, ['b', 'd']);
    assert.deepEqual(result.surplusGroupIds, ['e']);
    assert.deepEqual(result.metrics, {
      'oversample/groups': 5,
      'oversample/kept_groups': 2,
      'oversample/flat_groups': 2,
      'oversample/surplus_groups': 1,
      'oversample/missing_groups': 0,
    });
  });

  it('a group keeps its rewards as run, so its baseline is the group mean', () => {
    const kept = filterGroups(candidates, { groupCount: 1 }).kept.map((c) => c.reward);
    assert.deepEqual(kept, [0, 1, 0, 0], 'mean 0.25 as sampled; a max-spread subset {0, 1, 0} would say 0.33');
  });

  it('reports the groups it could not fill instead of running more', () => {
    const result = filterGroups(candidates, { groupCount: 5 });
    assert.equal(result.metrics['oversample/kept_groups'], 3);
    assert.equal(result.metrics['oversample/missing_groups'], 2);
  });

  it('sizes the oversampled step in tasks and refuses bad input', () => {
    assert.equal(oversampledTaskCount(4, 1.5), 6);
    assert.equal(oversampledTaskCount(5, 1.5), 8);
    assert.throws(() => oversampledTaskCount(4, 0.5), RangeError);
    assert.throws(() => filterGroups([], { groupCount: 0 }), RangeError);
    assert.throws(() => filterGroups([candidate('x', 'g', Number.NaN)], { groupCount: 1 }), RangeError);
  });
});
