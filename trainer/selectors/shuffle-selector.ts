/**
 * `shuffle`: one permutation per epoch, drawn from a generator seeded with `seed + epoch`
 * (epoch = ⌊i / N⌋), served in order across batch and epoch boundaries. Seeding by epoch, not by a
 * running generator, makes the permutation of any epoch recomputable from the read position alone.
 * As in Trinity-RFT, a batch that crosses an epoch boundary joins the tail of one permutation to
 * the head of the next, so it can hold the same task twice; feedback merges such repeats.
 */
import { PositionSelector, spanOfPositions } from './position-selector.ts';
import { Prng } from './prng.ts';
import { permutation } from './prng-draws.ts';

export class ShuffleSelector extends PositionSelector {
  readonly type = 'shuffle' as const;
  // One permutation is kept; a batch spans at most two epochs (B ≤ N), so recomputing at the
  // boundary costs one shuffle per epoch.
  private cachedEpoch = -1;
  private cachedOrder: readonly number[] = [];

  /** The permutation served in epoch `epoch`. */
  epochOrder(epoch: number): readonly number[] {
    if (epoch !== this.cachedEpoch) {
      this.cachedOrder = permutation(Prng.fromSeed(this.seed + epoch), this.taskCount);
      this.cachedEpoch = epoch;
    }
    return this.cachedOrder;
  }

  protected batchAt(start: number, batchSize: number): number[] {
    return spanOfPositions(start, batchSize, (position) => {
      const order = this.epochOrder(Math.floor(position / this.taskCount));
      const index = order[position % this.taskCount];
      if (index === undefined) throw new RangeError(`shuffle position ${position} out of range`);
      return index;
    });
  }
}
