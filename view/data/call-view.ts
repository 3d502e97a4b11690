import { expandSent } from '../../src/store/sent-record.ts';
import type { StoredCall } from '../../src/store/records.ts';
import type { CallView } from '../api/view-wire.ts';

/** Request fields that decide how a call was sampled (OpenAI, vLLM and SGLang spellings). */
const SAMPLING_FIELDS = [
  'temperature', 'top_p', 'top_k', 'min_p', 'seed', 'max_tokens', 'max_completion_tokens', 'max_new_tokens', 'n',
  'stop', 'stop_token_ids', 'presence_penalty', 'frequency_penalty', 'repetition_penalty', 'logprobs', 'top_logprobs', 'sampling_params',
] as const;

export const asObject = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

function samplingOf(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of SAMPLING_FIELDS) if (body[field] !== undefined && body[field] !== null) out[field] = body[field];
  return out;
}

/** The client's request body, or {} when it is not a JSON object. */
export function parseRequest(call: StoredCall): Record<string, unknown> {
  try {
    return asObject(JSON.parse(call.requestJson));
  } catch {
    return {};
  }
}

/** A recorded call's facts for the Rollout page: what was sent, how it ended, how long it took. */
export function callView(call: StoredCall): CallView {
  const requested = samplingOf(parseRequest(call));
  const sampling = samplingOf(asObject(expandSent(call.sentJson, call.requestJson, null)));
  // What the client asked for is shown only where the proxy sent something else.
  const differs = Object.fromEntries(Object.entries(requested).filter(([key, value]) => JSON.stringify(sampling[key]) !== JSON.stringify(value)));
  const first = call.choices[0];
  return {
    id: call.id,
    seq: call.seq,
    status: call.status,
    mode: call.mode,
    trainable: call.trainable,
    untrainableReason: call.untrainableReason,
    finishReason: first?.finishReason ?? null,
    stopReason: first?.stopReason ?? null,
    policyVersion: call.policyVersion,
    latencyMs: call.latencyMs,
    ttftMs: call.ttftMs,
    engine: call.engine,
    replica: call.replica,
    promptTokens: call.promptIds?.length ?? call.usage?.promptTokens ?? 0,
    completionTokens: call.choices.reduce((n, c) => n + c.completionIds.length, 0),
    sampling,
    requested: differs,
    flags: Object.fromEntries(Object.entries(call.flags).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
    error: call.error === null ? null : { code: call.error.code, message: call.error.message },
    extendsCallId: call.extendsCallId,
    startedAt: call.startedAt,
  };
}
