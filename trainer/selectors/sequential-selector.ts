/**
 * `sequential`: serves indices [i, i+B) mod N, i.e. the taskset in file order, wrapping into the
 * next epoch inside a batch when needed. Trinity-RFT's SequentialSelector behaves the same.
 */
import { PositionSelector, spanOfPositions } from './position-selector.ts';

export class SequentialSelector extends PositionSelector {
  readonly type = 'sequential' as const;

  protected batchAt(start: number, batchSize: number): number[] {
    return spanOfPositions(start, batchSize, (position) => position % this.taskCount);
  }
}
