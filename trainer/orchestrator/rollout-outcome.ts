import type { SamplingPolicy } from '../../src/wire/admin.ts';
import type { Sample, SampleStats } from '../../src/trajectory/sample-types.ts';
import type { CallStats } from './judge-calls.ts';
import type { RolloutFailure } from './rollout-failure.ts';

export type TrainerTask = { id: string; index: number; query: string; referenceAnswer?: string; metadata: Record<string, unknown> };

/**
 * What one rollout of a step came to. `ok`: judged. `failed`: see `failure` (rollout-failure.ts):
 * a failure the policy caused keeps its reward (`rollout.failureReward`) and samples and trains;
 * an infrastructure failure is reported and left out.
 */
export type RolloutOutcome = {
  task: TrainerTask;
  groupId: string;
  attempt: number;
  rolloutId: string | null;
  status: 'ok' | 'failed';
  failure: RolloutFailure | null;
  reward: number;
  isSuccess: boolean;
  metrics: Record<string, number>;
  stats: CallStats | null;
  samples: Sample[];
  sampleStats: SampleStats | null;
  /** The sampling policy the proxy applied to the rollout's calls; null when it was never read. */
  sampling: SamplingPolicy | null;
  durationMs: number;
};

/** A real attempt of the policy at its task: judged, or failed by the policy's own doing. It trains and counts in pass rates. */
export const isAttempt = (outcome: RolloutOutcome): boolean => outcome.failure?.kind !== 'infra';
