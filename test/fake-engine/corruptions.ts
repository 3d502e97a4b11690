/**
 * The `corrupt` fault: generation answers that break the protocol in one named way, on both
 * generation routes, whole or streamed, for testing what the proxy records and tells its client
 * when an engine (or something between it and the proxy) misbehaves. Each corruption touches the
 * first place it applies (the first choice, the first event carrying tokens) and nothing else.
 *
 * - `fractional-id`, `string-id`, `negative-id`, `huge-id`: the first completion token id becomes
 *   -1.5, "abc", -1 or 2^31.
 * - `string-logprob`: the first chosen-token logprob becomes "abc".
 * - `no-finish`: every finish_reason is null (the answer just stops).
 * - `abort-finish`: the finish reason is vLLM's "abort".
 * - `usage-off`: usage counts one completion token more than was sent.
 * - `not-json`: the body (or the first event carrying tokens) is cut in half.
 * - `no-done`: the stream ends without `data: [DONE]`.
 */
import { DONE_EVENT, type StreamEvent } from './sse-writer.ts';

export const CORRUPTIONS = ['fractional-id', 'string-id', 'negative-id', 'huge-id', 'string-logprob', 'no-finish', 'abort-finish', 'usage-off', 'not-json', 'no-done'] as const;
export type Corruption = (typeof CORRUPTIONS)[number];

const BAD_IDS: Partial<Record<Corruption, unknown>> = { 'fractional-id': -1.5, 'string-id': 'abc', 'negative-id': -1, 'huge-id': 2 ** 31 };

type Json = Record<string, any>;

const hasTokens = (choice: Json): boolean => Array.isArray(choice.token_ids) && choice.token_ids.length > 0;

/** Applies a per-choice corruption to the first choice it fits; true when it did. */
function corruptChoice(choice: Json, corruption: Corruption): boolean {
  if (corruption in BAD_IDS) {
    if (!hasTokens(choice)) return false;
    choice.token_ids[0] = BAD_IDS[corruption];
    return true;
  }
  if (corruption === 'string-logprob') {
    const chat = choice.logprobs?.content;
    if (Array.isArray(chat) && chat.length > 0) chat[0].logprob = 'abc';
    else if (Array.isArray(choice.logprobs?.token_logprobs) && choice.logprobs.token_logprobs.length > 0) choice.logprobs.token_logprobs[0] = 'abc';
    else return false;
    return true;
  }
  if (corruption === 'abort-finish' && choice.finish_reason !== null && choice.finish_reason !== undefined) {
    choice.finish_reason = 'abort';
    choice.stop_reason = null;
    return true;
  }
  return false;
}

/** Corrupts one parsed answer or chunk; true when something changed. */
function corruptPayload(payload: Json, corruption: Corruption): boolean {
  if (corruption === 'no-finish') {
    for (const choice of payload.choices ?? []) choice.finish_reason = null;
    return false;
  }
  if (corruption === 'usage-off') {
    if (payload.usage === null || payload.usage === undefined) return false;
    payload.usage.completion_tokens += 1;
    payload.usage.total_tokens += 1;
    return true;
  }
  return (payload.choices ?? []).some((choice: Json) => corruptChoice(choice, corruption));
}

/** A whole answer's JSON text with the corruption applied. */
export function corruptBody(text: string, corruption: Corruption | null): string {
  if (corruption === null || corruption === 'no-done') return text;
  if (corruption === 'not-json') return text.slice(0, Math.floor(text.length / 2));
  const payload = JSON.parse(text) as Json;
  corruptPayload(payload, corruption);
  return JSON.stringify(payload);
}

/** Stream events with the corruption applied (to the first event it fits, `no-finish` to all). */
export function corruptEvents(events: readonly StreamEvent[], corruption: Corruption | null): StreamEvent[] {
  if (corruption === null) return [...events];
  if (corruption === 'no-done') return events.filter((event) => event !== DONE_EVENT);
  let done = false;
  return events.map((event) => {
    if (done || event === DONE_EVENT) return event;
    if (corruption === 'not-json') {
      if (event.tokens === 0) return event;
      done = true;
      return { ...event, data: event.data.slice(0, Math.floor(event.data.length / 2)) };
    }
    const payload = JSON.parse(event.data) as Json;
    done = corruptPayload(payload, corruption);
    return { ...event, data: JSON.stringify(payload) };
  });
}
