import type { LearnerHyper } from '../config/learner-config.ts';

/** One training sample as the learner takes it (DESIGN §7). Arrays are per token. */
export type TrainSample = {
  tokens: number[];
  promptLength: number;
  lossMask: number[];
  /** Engine logprobs (the behaviour policy); 0 where the mask is 0. */
  logprobs: number[];
  /** Per-token advantages, already multiplied by the sample's loss weight; 0 where the mask is 0. */
  advantages: number[];
};

export type TrainStepResult = { metrics: Record<string, number>; policyVersion: number | null };

/** What `saveWeights` wrote: the folder, the policy version of its weights, and their kind. */
export type SavedWeights = { path: string; policyVersion: number; isLora: boolean };

export type Learner = {
  readonly kind: 'debug' | 'worker';
  trainStep(samples: TrainSample[], hyper: LearnerHyper): Promise<TrainStepResult>;
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
