/**
 * `random`: every batch is B distinct indices drawn uniformly from a generator seeded with
 * `seed + i` (i = read position before the batch), as Trinity-RFT's RandomSelector does with
 * `default_rng(seed + i).choice(N, B, replace=False)`. Batches are independent: no epochs, tasks
 * can repeat across batches, never within one.
 */
import { PositionSelector } from './position-selector.ts';
import { Prng } from './prng.ts';
import { sampleDistinct } from './prng-draws.ts';

export class RandomSelector extends PositionSelector {
  readonly type = 'random' as const;

  protected batchAt(start: number, batchSize: number): number[] {
    return sampleDistinct(Prng.fromSeed(this.seed + start), this.taskCount, batchSize);
  }
}
