import type { RolloutRecord } from '../../src/store/records.ts';
import type { Sample, SampleStats } from '../../src/trajectory/sample-types.ts';

/**
 * Shapes of the proxy's admin answers as the trainer reads them. The proxy defines them in its
 * routes; they are restated here because the trainer never imports the proxy (the two meet only
 * over HTTP and the database).
 */
export type RolloutView = RolloutRecord & { rolloutId: string };

export type RecordedMessage = {
  role: 'assistant';
  content: string | null;
  reasoning?: string | null;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
};

export type RecordedCall = {
  id: number;
  seq: number;
  status: 'completed' | 'failed' | 'aborted';
  trainable: boolean;
  promptIds: number[] | null;
  completionIds: number[];
  logprobs: number[];
  finishReason: string | null;
  policyVersion: number;
  mode: 'chat' | 'token';
  flags: { malformedToolCall?: string; renderedFromScratch?: string };
  response: { choices?: { index: number; message?: RecordedMessage; finish_reason?: string | null }[] } | null;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number } | null;
  latencyMs: number;
  /** Why a failed call failed: a registry code (`RC_ERR_UPSTREAM_TIMEOUT`, …) and its message. */
  error: { code: string; message: string; status?: number } | null;
};

export type RolloutSamplesView = { rolloutId: string; samples: Sample[]; stats: SampleStats };
