import type { TrainSample } from '../../src/wire/learner.ts';
import type { StepHyper } from '../config/learner-hyper.ts';

export type { TrainSample } from '../../src/wire/learner.ts';

export type TrainStepResult = { metrics: Record<string, number>; policyVersion: number | null };

/** What `saveWeights` wrote: the folder, the policy version of its weights, and their kind. */
export type SavedWeights = { path: string; policyVersion: number; isLora: boolean };

export type Learner = {
  readonly kind: 'debug' | 'worker';
  trainStep(samples: TrainSample[], hyper: StepHyper): Promise<TrainStepResult>;
  /** Saves the learner's weights and optimizer under `dir` (Hugging Face layout for the worker). */
  checkpoint(dir: string): Promise<void>;
  /** Loads a checkpoint written by `checkpoint` (resume). */
  restore(dir: string): Promise<void>;
  /**
   * Writes only the serving weights (no optimizer) to `dir`, complete or not at all, for an
   * external engine to load: a peft adapter folder for LoRA, config.json + safetensors otherwise.
   */
  saveWeights(dir: string): Promise<SavedWeights>;
  close(): Promise<void>;
};
