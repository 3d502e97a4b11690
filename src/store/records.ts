import type { RolloutLimits, RolloutStatus, SamplingPolicy } from '../wire/admin.ts';

/** A rollout as the store keeps it (internal, camelCase). */
export type RolloutRecord = {
  id: string;
  taskId: string | null;
  groupId: string | null;
  attempt: number;
  tag: string | null;
  trainable: boolean;
  /** "policy", or the auxiliary engine the rollout's calls go to. */
  engine: string;
  status: RolloutStatus;
  limits: RolloutLimits;
  sampling: SamplingPolicy;
  metadata: Record<string, unknown>;
  reward: number | null;
  isSuccess: boolean | null;
  createdAt: number;
  expiresAt: number | null;
  endedAt: number | null;
};

export const CALL_STATUSES = ['completed', 'failed', 'aborted'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** What one choice of a call produced. `n > 1` gives several. */
export type ChoiceCapture = {
  index: number;
  completionIds: number[];
  logprobs: number[];
  finishReason: string | null;
  /** What stopped a 'stop' finish: null or absent for the model's EOS, else the stop string or token. */
  stopReason?: string | number | null;
};

export type CallError = { code: string; message: string; status?: number };

export const CALL_MODES = ['chat', 'token'] as const;
export type CallMode = (typeof CALL_MODES)[number];

/** The API a call came in: OpenAI chat completions, or a dialect translated into a chat request at the edge. */
export const DIALECTS = ['openai-chat', 'anthropic-messages', 'openai-responses'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** Facts about a call the judge and the sample builder use. */
export type CallFlags = {
  /** The completion held tool-call text the parser could not read; the text stayed content. */
  malformedToolCall?: string;
  /** Why the prompt could not continue the call the messages extend (token mode). */
  renderedFromScratch?: string;
  /** The engine returned another number of choices than the `n` asked for (then not trainable). */
  choiceCount?: string;
};

export type Usage = { promptTokens: number; completionTokens: number; totalTokens: number };

/** One recorded call, committed when the call ends (completed, failed or aborted). */
export type CallRecord = {
  rolloutId: string;
  seq: number;
  status: CallStatus;
  trainable: boolean;
  untrainableReason: string | null;
  isStream: boolean;
  /** The body exactly as the client sent it, in its dialect. */
  requestJson: string;
  dialect: Dialect;
  /** The chat request a dialect was translated into (null for chat completions: the body is one). */
  chatRequestJson: string | null;
  /** The id of the answer in the client's dialect (`msg_…`, `resp_…`); null for chat completions. */
  answerId: string | null;
  /** What was sent to the engine, in its stored form (src/store/sent-record.ts; null when nothing was sent). */
  sentJson: string | null;
  /** The answer without its bulky id and logprob arrays (those live in the blobs). */
  response: unknown;
  promptIds: number[] | null;
  choices: ChoiceCapture[];
  usage: Usage | null;
  latencyMs: number;
  ttftMs: number | null;
  engine: string;
  replica: string | null;
  policyVersion: number;
  error: CallError | null;
  /** chat = pass-through; token = the proxy built the prompt ids and parsed the completion. */
  mode: CallMode;
  /** The earlier call whose messages and reply this call's messages continue (message level). */
  extendsCallId: number | null;
  extendsChoice: number | null;
  flags: CallFlags;
  startedAt: number;
  endedAt: number;
};

/** A stored call read back, with its database id. */
export type StoredCall = CallRecord & { id: number };
