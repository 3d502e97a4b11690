import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { OfflineEasy2HardSelector } from '../../../../trainer/selectors/offline-easy2hard-selector.ts';
import { Prng } from '../../../../trainer/selectors/prng.ts';
import { permutation, sampleDistinct } from '../../../../trainer/selectors/prng-draws.ts';
import { RandomSelector } from '../../../../trainer/selectors/random-selector.ts';
import { SequentialSelector } from '../../../../trainer/selectors/sequential-selector.ts';
import { ShuffleSelector } from '../../../../trainer/selectors/shuffle-selector.ts';

describe('sequential selector', () => {
  it('serves [i, i+B) mod N across the epoch boundary', () => {
    const selector = new SequentialSelector(5, 42);
    // N = 5, B = 3: positions 0-2, 3-5 (5 mod 5 = 0), 6-8 (→ 1, 2, 3).
    assert.deepEqual(selector.next(3), [0, 1, 2]);
    assert.deepEqual(selector.next(3), [3, 4, 0]);
    assert.deepEqual(selector.next(3), [1, 2, 3]);
    assert.deepEqual(selector.metrics(), { 'selector/position': 9, 'selector/epoch': 1 });
  });

  it('refuses a batch larger than the taskset or not a positive integer', () => {
    const selector = new SequentialSelector(5, 42);
    assert.throws(() => selector.next(6), RangeError);
    assert.throws(() => selector.next(0), RangeError);
    assert.throws(() => selector.next(1.5), RangeError);
  });

  it('validates feedback even though it ignores it', () => {
    const selector = new SequentialSelector(5, 42);
    selector.feedback([0, 4], [0.5, 1], [4, 4]);
    assert.throws(() => selector.feedback([5], [0.5], [4]), RangeError);
    assert.throws(() => selector.feedback([1], [1.5], [4]), RangeError);
    assert.throws(() => selector.feedback([1, 2], [0], [4, 4]), RangeError);
    assert.throws(() => selector.feedback([1], [0.5], [0]), RangeError);
  });
});

describe('shuffle selector', () => {
  it('serves the permutation from seed + epoch, crossing batch and epoch boundaries', () => {
    const selector = new ShuffleSelector(5, 1);
    const epoch0 = permutation(Prng.fromSeed(1), 5);
    const epoch1 = permutation(Prng.fromSeed(2), 5);
    // Pinned so that an accidental change of the generator (which would reshuffle every existing
    // run's task order) fails loudly.
    assert.deepEqual(epoch0, [2, 1, 0, 4, 3]);
    assert.deepEqual(epoch1, [4, 3, 2, 0, 1]);
    assert.deepEqual([...epoch0].sort(), [0, 1, 2, 3, 4]);
    assert.notDeepEqual(epoch0, epoch1);
    assert.deepEqual(selector.next(3), epoch0.slice(0, 3));
    // Positions 3, 4 are the tail of epoch 0; position 5 is the head of epoch 1 (seed 1 + 1).
    assert.deepEqual(selector.next(3), [epoch0[3], epoch0[4], epoch1[0]]);
    assert.deepEqual(selector.next(3), epoch1.slice(1, 4));
  });

  it('each epoch is a permutation', () => {
    const selector = new ShuffleSelector(7, 1);
    for (let epoch = 0; epoch < 3; epoch += 1) {
      const served = selector.next(7);
      assert.deepEqual([...served].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
    }
  });
});

describe('random selector', () => {
  it('draws B distinct indices from a generator seeded with seed + position', () => {
    const selector = new RandomSelector(10, 7);
    assert.deepEqual(selector.next(4), sampleDistinct(Prng.fromSeed(7), 10, 4));
    // Second batch starts at position 4: generator seed 7 + 4 = 11, i.e. the first batch of a
    // selector seeded with 11.
    const second = selector.next(4);
    assert.deepEqual(second, new RandomSelector(10, 11).next(4));
    assert.equal(new Set(second).size, 4);
    assert.ok(second.every((index) => index >= 0 && index < 10));
  });

  it('can serve the whole taskset in one batch, without repeats', () => {
    const batch = new RandomSelector(6, 3).next(6);
    assert.deepEqual([...batch].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
  });
});

describe('offline_easy2hard selector', () => {
  it('sorts by easiness descending, keeps file order on ties, then serves sequentially', () => {
    // easiness: task0 0.2, task1 0.9, task2 0.5, task3 0.9, task4 0.1
    // descending: 0.9 (task1, then task3: file order), 0.5 (task2), 0.2 (task0), 0.1 (task4).
    const selector = new OfflineEasy2HardSelector(5, 42, [0.2, 0.9, 0.5, 0.9, 0.1]);
    assert.deepEqual(selector.curriculum, [1, 3, 2, 0, 4]);
    assert.deepEqual(selector.next(2), [1, 3]);
    assert.deepEqual(selector.next(2), [2, 0]);
    assert.deepEqual(selector.next(2), [4, 1]);
  });

  it('refuses a feature column of the wrong length or with NaN', () => {
    assert.throws(() => new OfflineEasy2HardSelector(3, 42, [1, 2]), RangeError);
    assert.throws(() => new OfflineEasy2HardSelector(2, 42, [1, Number.NaN]), RangeError);
  });
});

describe('position selector state', () => {
  const builders = {
    sequential: () => new SequentialSelector(9, 5),
    shuffle: () => new ShuffleSelector(9, 5),
    random: () => new RandomSelector(9, 5),
    offline_easy2hard: () => new OfflineEasy2HardSelector(9, 5, [3, 1, 4, 1, 5, 9, 2, 6, 5]),
  };
  for (const [name, build] of Object.entries(builders)) {
    it(`${name}: k batches, save, restore into a fresh selector, next batches are equal`, () => {
      const original = build();
      for (let k = 0; k < 4; k += 1) original.next(4);
      const saved = JSON.parse(JSON.stringify(original.state())) as ReturnType<typeof original.state>;
      assert.deepEqual(saved, { type: name, taskCount: 9, position: 16 });
      const resumed = build();
      resumed.restore(saved);
      for (let k = 0; k < 5; k += 1) assert.deepEqual(resumed.next(4), original.next(4));
    });
  }

  it('refuses a state of another type or taskset size', () => {
    const selector = new SequentialSelector(9, 5);
    assert.throws(() => selector.restore({ type: 'shuffle', taskCount: 9, position: 0 }), RangeError);
    assert.throws(() => selector.restore({ type: 'sequential', taskCount: 8, position: 0 }), RangeError);
    assert.throws(() => selector.restore({ type: 'sequential', taskCount: 9, position: -1 }), RangeError);
  });
});
