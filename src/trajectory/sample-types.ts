import type { CallStatus, ChoiceCapture } from '../store/records.ts';

/**
 * Inputs and outputs of the samples library: recorded calls of one finished rollout
 * in, token-exact training samples with loss masks and engine logprobs out. The rules that turn
 * one into the other are stated at the top of `build-samples.ts`.
 */

/** One choice of a call: what the engine generated, one logprob per completion id. */
export type SampleChoice = ChoiceCapture;

/**
 * One recorded call as the samples library needs it. The proxy maps a `StoredCall` to it and adds
 * the message-level link it found (`extendsCallId`).
 *
 * @example
 * const call: SampleCall = {
 *   callId: 7, seq: 2, status: 'completed', trainable: true, policyVersion: 3,
 *   promptIds: [1, 2, 3, 4], extendsCallId: 6, eosTokenId: 2,
 *   choices: [{ index: 0, completionIds: [9, 2], logprobs: [-0.1, -0.02], finishReason: 'stop' }],
 * };
 */
export type SampleCall = {
  callId: number;
  seq: number;
  status: CallStatus;
  trainable: boolean;
  promptIds: number[];
  choices: SampleChoice[];
  policyVersion: number;
  /**
   * Message-level link the proxy found: this call's messages = that call's messages + its reply +
   * appended messages. `null` when the call started a new context (first call, sub-agent).
   */
  extendsCallId: number | null;
  /** Which choice of `extendsCallId` was continued, when the proxy knows (n > 1). */
  extendsChoice?: number;
  /** The model's end-of-sequence id, used to recognise an EOS the template added after a truncated turn. */
  eosTokenId?: number | null;
};

/** How the shared prefix of a branching rollout is weighted (see `build-samples.ts`). */
export const SHARED_PREFIX_MODES = ['train-once', 'train-each'] as const;
export type SharedPrefixMode = (typeof SHARED_PREFIX_MODES)[number];

/** Caps and weighting; every cap is optional and off when absent. */
export type SampleOptions = {
  /** Most samples kept per rollout: the first ones in tree order; the rest are counted in `droppedByCaps`. */
  maxSamples?: number;
  /** A sample whose tokens before its first mask-1 token are more than this is dropped and counted. */
  maxPromptTokens?: number;
  /** A sample longer than this is cut to this many tokens from the end and flagged `truncated`. */
  maxTotalTokens?: number;
  /** A sample whose tokens from its first mask-1 token on are more than this is cut and flagged. */
  maxResponseTokens?: number;
  /** Default `train-once`: a generated turn shared by several branches is trained in one sample only. */
  sharedPrefix?: SharedPrefixMode;
};

/**
 * A call whose prompt did not start with the tokens of the call the proxy said it continues.
 * `expected` and `actual` are the tokens of the earlier sequence and of the prompt from
 * `windowStart`, a few tokens before the first difference at `index`.
 */
export type DriftEvent = {
  callId: number;
  seq: number;
  parentCallId: number;
  parentChoice: number;
  /** First position where the prompt differs from the parent's prompt + completion (or where it ends). */
  index: number;
  /** Length of the parent's prompt + completion. */
  expectedLength: number;
  /** Length of the drifted call's prompt. */
  actualLength: number;
  windowStart: number;
  expected: number[];
  actual: number[];
};

/** One training row: a path through the rollout's call tree, root call first. */
export type Sample = {
  /** `${rootCallId}` when the root call has one sample, else `${leafCallId}.${leafChoice}`. */
  sampleId: string;
  tokens: number[];
  /** 1 = a token the policy generated in a trainable call; 0 = everything else. */
  lossMask: number[];
  /** Engine logprob where the mask is 1, exactly 0 elsewhere. */
  logprobs: number[];
  /** Prompt length of the sample's first call. */
  promptLength: number;
  callIds: number[];
  /** The choice of each call in `callIds` that this sample follows. */
  choices: number[];
  /** Distinct policy versions of the sample's calls, in call order. */
  policyVersions: number[];
  /** Calls merged onto the first one: `callIds.length - 1`. */
  merges: number;
  truncated: boolean;
  /** Drift events of the sample's calls (a drifted call starts its own sample). */
  driftEvents: number;
};

export type SampleStats = {
  /** Calls given, whatever their status. */
  calls: number;
  /** Kept calls that extended an earlier sequence. */
  merges: number;
  /** Kept calls that extended nothing and started a new tree. */
  forks: number;
  driftEvents: DriftEvent[];
  /** Kept samples cut by `maxTotalTokens` or `maxResponseTokens`. */
  truncations: number;
  /** Retried calls dropped because a call with the same prompt ids was kept. */
  deduplicated: number;
  /** Failed or aborted calls, and completed calls without prompt ids or choices. */
  skippedCalls: number;
  /** Samples dropped by `maxSamples`, `maxPromptTokens`, or a truncation that left nothing trainable. */
  droppedByCaps: number;
  /** EOS tokens the template placed after a length-truncated completion (kept with mask 0). */
  syntheticEos: number;
  /** Choices of trainable calls masked 0 because their logprobs were missing, extra or not finite. */
  invalidChoices: number;
};

export type RolloutSamples = {
  samples: Sample[];
  stats: SampleStats;
};
