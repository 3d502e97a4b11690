/** Builders for advantage-stage test batches. */
import type { AdvantageRolloutInput } from '../../../../trainer/advantages/advantage-types.ts';

/** A rollout with one sample per mask; sample ids are `<rolloutId>.<n>`. */
export function rollout(
  rolloutId: string,
  groupId: string,
  reward: number,
  ...masks: number[][]
): AdvantageRolloutInput {
  return {
    rolloutId,
    groupId,
    reward,
    samples: masks.map((lossMask, n) => ({ sampleId: `${rolloutId}.${n}`, lossMask })),
  };
}

export const TOLERANCE = 1e-9;

export function assertNear(actual: number | undefined, expected: number, label = ''): void {
  if (actual === undefined || Math.abs(actual - expected) > TOLERANCE) {
    throw new Error(`${label} expected ${expected}, got ${actual}`);
  }
}
