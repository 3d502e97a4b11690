/**
 * The log view's JSON API, as the page reads it (`view/web/` types its code against this file
 * through JSDoc). camelCase like the rest of rollcall's own JSON; token arrays are columnar (one
 * array per field) so a page of 2,048 tokens stays a few tens of kilobytes.
 */

/** One line of metrics.jsonl: a step's metrics; null where the value was NaN or infinite. */
export type MetricsRow = { step: number; time: number; values: Record<string, number | null> };

export type RunSummary = {
  /** The run's path under the folder the view serves (its folder name when it serves one run folder). */
  id: string;
  dir: string;
  hasDatabase: boolean;
  /** Steps with a metrics line. */
  steps: number;
  lastStep: number | null;
  /** Last step's reward, success and held-out success, when recorded. */
  last: Record<string, number | null>;
  /** Milliseconds since the epoch of the newest file change the view knows of. */
  updatedAt: number | null;
};

/** How token ids become text on the Tokens page. */
export type DecoderInfo = { kind: 'tokenizer' | 'engine' | 'ids'; detail: string };

export type RunDetail = RunSummary & {
  /** config.yaml as written by the trainer (secrets redacted there), or null. */
  configText: string | null;
  metrics: MetricsRow[];
  /** Pass it to `/api/events?since=` to get only the metrics lines added after these. */
  metricsRevision: number;
  /** Lines of metrics.jsonl that are not valid JSON (a crash cut one short). */
  unreadableMetricsLines: number;
  decoder: DecoderInfo;
  /** The caps samples are rebuilt with (the config's `samples` section). */
  sampleOptions: Record<string, string | number>;
};

export type Counts = {
  rollouts: number;
  finished: number;
  failed: number;
  open: number;
  other: number;
  rewardMean: number | null;
  successRate: number | null;
};

export type StepSummary = {
  /** null: rollouts without a step (not made by the trainer). */
  step: number | null;
  train: Counts;
  validation: Counts;
  /** Samples in `batches/step_<n>.jsonl`, null before the step trained. */
  batchSamples: number | null;
};

export const ROLLOUT_FLAGS = [
  'failed-call',
  'untrainable-call',
  'truncated-turn',
  'malformed-tool-call',
  'rendered-from-scratch',
  'mad',
  'not-trained',
] as const;
export type RolloutFlag = (typeof ROLLOUT_FLAGS)[number];

export type RolloutRow = {
  id: string;
  taskId: string | null;
  groupId: string | null;
  attempt: number;
  split: string | null;
  status: string;
  reward: number | null;
  isSuccess: boolean | null;
  /** From the step's batch file; null when none of its samples was trained. */
  advantage: number | null;
  trainedSamples: number;
  failure: string | null;
  flags: RolloutFlag[];
  calls: number;
  completionTokens: number;
  latencyMs: number;
};

export type GroupSummary = {
  groupId: string;
  taskId: string | null;
  rollouts: number;
  rewardMean: number | null;
  rewardMin: number | null;
  rewardMax: number | null;
  /** The highest- and lowest-reward rollouts, for Compare. */
  bestId: string | null;
  worstId: string | null;
};

export const ROLLOUT_SORTS = ['group', 'reward', 'advantage', 'status', 'task', 'calls', 'tokens', 'latency'] as const;
export type RolloutSort = (typeof ROLLOUT_SORTS)[number];

export type StepPage = {
  step: number | null;
  total: number;
  /** Rollouts matching the filter; `rows` is one page of them. */
  matched: number;
  offset: number;
  limit: number;
  rows: RolloutRow[];
  groups: GroupSummary[];
  flagCounts: Partial<Record<RolloutFlag, number>>;
  statusCounts: Record<string, number>;
};

export type ToolCallView = { id: string | null; name: string; arguments: string };

/** One entry of a rollout's transcript, in order. */
export type TranscriptEntry =
  | { kind: 'message'; callSeq: number; role: string; content: string | null; reasoning: string | null; toolCalls: ToolCallView[]; toolCallId: string | null; name: string | null }
  | { kind: 'reply'; callSeq: number; callId: number; choice: number; content: string | null; reasoning: string | null; toolCalls: ToolCallView[]; finishReason: string | null }
  | { kind: 'error'; callSeq: number; callId: number; status: string; message: string }
  | { kind: 'context'; callSeq: number; note: string }
  | { kind: 'raw'; callSeq: number; request: unknown; response: unknown };

export type CallView = {
  id: number;
  seq: number;
  status: string;
  mode: string;
  trainable: boolean;
  untrainableReason: string | null;
  finishReason: string | null;
  stopReason: string | number | null;
  policyVersion: number;
  latencyMs: number;
  ttftMs: number | null;
  engine: string;
  replica: string | null;
  promptTokens: number;
  completionTokens: number;
  /** Sampling parameters sent to the engine, and the ones the client asked for where they differ. */
  sampling: Record<string, unknown>;
  requested: Record<string, unknown>;
  flags: Record<string, string>;
  error: { code: string; message: string } | null;
  extendsCallId: number | null;
  startedAt: number;
};

export type SampleSummary = {
  sampleId: string;
  length: number;
  promptLength: number;
  trainedTokens: number;
  contextTokens: number;
  callIds: number[];
  policyVersions: number[];
  merges: number;
  truncated: boolean;
  driftEvents: number;
  /** The sample's row in the step's batch, when it was trained. */
  batch: { advantage: number; lossWeight: number } | null;
};

export type RolloutDetail = {
  runId: string;
  rollout: {
    id: string;
    taskId: string | null;
    groupId: string | null;
    attempt: number;
    tag: string | null;
    step: number | null;
    split: string | null;
    status: string;
    trainable: boolean;
    reward: number | null;
    isSuccess: boolean | null;
    failure: string | null;
    judge: Record<string, number>;
    metadata: Record<string, unknown>;
    sampling: Record<string, unknown>;
    limits: Record<string, unknown>;
    createdAt: number;
    endedAt: number | null;
  };
  advantage: number | null;
  calls: CallView[];
  transcript: TranscriptEntry[];
  samples: SampleSummary[];
  sampleStats: { forks: number; merges: number; driftEvents: number; truncations: number; deduplicated: number; skippedCalls: number; droppedByCaps: number; syntheticEos: number; invalidChoices: number };
  /** Rollouts of the same group, best reward first. */
  group: { id: string; attempt: number; reward: number | null; status: string }[];
  auxiliary: { id: string; engine: string; calls: number }[];
};

/** A mark on the Tokens page at a position of the sample. */
export type TokenMark =
  | { kind: 'call'; pos: number; end: number; callId: number; seq: number; promptFrom: number }
  | { kind: 'drift'; pos: number; callId: number; parentCallId: number; expected: number[]; actual: number[] }
  | { kind: 'fork'; pos: number; callId: number; note: string }
  | { kind: 'truncated'; pos: number; note: string };

/** The whole sample at a glance: one character per token (mask and logprob bucket), for the overview strip. */
export type TokenOverview = {
  sampleId: string;
  length: number;
  trainedTokens: number;
  contextTokens: number;
  /** Per token: '0' context, '1' trained. */
  mask: string;
  /** Per trained token: 'a'..'j' for p = exp(logprob) in tenths (a: p < 0.1 … j: p ≥ 0.9); '.' elsewhere. */
  confidence: string;
  marks: TokenMark[];
  decoder: DecoderInfo;
  /** The batch row the learner got for this sample, when trained. */
  batch: { advantage: number; lossWeight: number; matchesStore: boolean } | null;
};

export type TokenPage = {
  sampleId: string;
  offset: number;
  ids: number[];
  text: string[];
  mask: number[];
  logprobs: number[];
  /** Index into the sample's callIds of the call each token came from. */
  call: number[];
  /** Per-token advantages from the batch row, when trained. */
  advantages: number[] | null;
  decoder: DecoderInfo;
};

/** A server-sent event of `/api/events`: the run changed; new or rewritten metrics lines ride along. */
export type ChangeEvent = { runId: string; stamp: string; metricsRevision: number; metrics: MetricsRow[]; summary: RunSummary };
