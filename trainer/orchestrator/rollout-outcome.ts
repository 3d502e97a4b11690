import type { Sample, SampleStats } from '../../src/trajectory/sample-types.ts';
import type { CallStats } from './judge-calls.ts';

export type TrainerTask = { id: string; index: number; query: string; referenceAnswer?: string; metadata: Record<string, unknown> };

/** What one rollout of a step came to. A failed rollout is reported and left out of training. */
export type RolloutOutcome = {
  task: TrainerTask;
  groupId: string;
  attempt: number;
  rolloutId: string | null;
  status: 'ok' | 'failed';
  failure: { reason: string; message: string } | null;
  reward: number;
  isSuccess: boolean;
  metrics: Record<string, number>;
  stats: CallStats | null;
  samples: Sample[];
  sampleStats: SampleStats | null;
  durationMs: number;
};
