/**
 * A row of `batches/step_<n>.jsonl`: one trained sample with where it came from and its
 * advantage, then the token arrays the learner got. The trainer writes the fields in this order
 * (the head first), so a reader can take a row's head without parsing its token arrays.
 */
export type BatchRowHead = {
  sampleId: string;
  rolloutId: string;
  groupId: string;
  taskId: string;
  reward: number;
  /** The sample's advantage before its loss weight is folded into the per-token advantages. */
  advantage: number;
  lossWeight: number;
  policyVersions: number[];
};

/** The first token field of a row (then `promptLength`, `lossMask`, `logprobs`, `advantages`): everything before it is the head. */
export const BATCH_ROW_FIRST_TOKEN_FIELD = 'tokens';
