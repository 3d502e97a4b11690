import type { Generation, GenerationChoice, GenerationDelta, GenerationStream } from '../driver-types.ts';
import { alignedLogprobs, idsOf, mapStopType, readCompletionResult, usageOf, type CompletionResult, type ProbEntry } from './completion-result.ts';

/**
 * llama.cpp's `/completion` answers as token-mode generations. One result per sequence: an
 * object, or an array when several were asked (`n`); no prompt ids (the proxy sent them).
 */

function toChoice(index: number, ids: number[], probs: readonly ProbEntry[], text: string, final: CompletionResult | null): GenerationChoice {
  const aligned = alignedLogprobs(ids, probs);
  const finish = final === null ? { finishReason: null, stopReason: null } : mapStopType(final);
  return { index, completionIds: ids, logprobs: aligned.map((p) => p.logprob), tokens: aligned.map((p) => p.token), text, ...finish };
}

export function readCompletion(body: unknown): Generation {
  const results = (Array.isArray(body) ? body : [body]).map(readCompletionResult);
  const choices = results.map((r, position) => toChoice(r.index ?? position, idsOf(r), r.probs, r.content, r));
  return { promptIds: null, choices: choices.sort((a, b) => a.index - b.index), usage: usageOf(results) };
}

/** `gap`: an event's ids lacked their entries; later values are not kept, they would misalign. */
type SequenceState = { ids: number[]; probs: ProbEntry[]; gap: boolean; text: string; final: CompletionResult | null };

/**
 * A streamed `/completion`: every event carries the one token it adds (`tokens: [id]`, its
 * `completion_probabilities` entry and text piece), and the last one (`stop: true`) the stop type
 * and counts, with no `[DONE]` after it (native streams end there, unlike `/v1/*`).
 */
export function newCompletionStream(): GenerationStream {
  const sequences = new Map<number, SequenceState>();
  return {
    push(payload: unknown): GenerationDelta[] {
      const event = readCompletionResult(payload);
      const index = event.index ?? 0;
      const state = sequences.get(index) ?? { ids: [], probs: [], gap: false, text: '', final: null };
      sequences.set(index, state);
      const ids = idsOf(event);
      const aligned = alignedLogprobs(ids, event.probs);
      state.ids.push(...ids);
      state.gap ||= aligned.length < ids.length;
      if (!state.gap) state.probs.push(...aligned);
      state.text += event.content;
      if (event.isFinal) state.final = event;
      const finish = event.isFinal ? mapStopType(event) : { finishReason: null, stopReason: null };
      return [{ index, text: event.content, completionIds: ids, logprobs: aligned.map((p) => p.logprob), tokens: aligned.map((p) => p.token), ...finish }];
    },
    result(): Generation {
      const indices = [...sequences.keys()].sort((a, b) => a - b);
      const states = indices.map((index) => sequences.get(index) as SequenceState);
      const finals = states.map((s) => s.final);
      return {
        promptIds: null,
        choices: indices.map((index, i) => {
          const state = states[i] as SequenceState;
          return toChoice(index, state.ids, state.probs, state.text, state.final);
        }),
        usage: finals.every((f): f is CompletionResult => f !== null) ? usageOf(finals) : null,
      };
    },
  };
}
