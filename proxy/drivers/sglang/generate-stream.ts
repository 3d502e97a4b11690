import type { GenerationDelta, GenerationStream } from '../driver-types.ts';
import { alignTokens, mapFinishReason, usageOf } from './generate-response.ts';
import { readGenerateOutput, type LogprobTriple } from './sglang-wire.ts';
import { StreamedList, StreamedText, type StreamShape } from './streamed-field.ts';

type SequenceState = {
  ids: StreamedList<number>;
  sawIds: boolean;
  triples: StreamedList<LogprobTriple>;
  sawTriples: boolean;
  text: StreamedText;
  finishReason: unknown;
  promptTokens: number | null;
  completionTokens: number | null;
};

const sameTriple = (a: LogprobTriple, b: LogprobTriple): boolean => a.id === b.id && Object.is(a.logprob, b.logprob);

function newSequence(forced: StreamShape | null): SequenceState {
  return {
    ids: new StreamedList<number>(forced, (a, b) => a === b),
    sawIds: false,
    triples: new StreamedList<LogprobTriple>(forced, sameTriple),
    sawTriples: false,
    text: new StreamedText(),
    finishReason: null,
    promptTokens: null,
    completionTokens: null,
  };
}

/**
 * A streamed `/generate`: each event belongs to the sequence named by its `index` (SGLang adds it
 * for `n > 1`, `_handle_batch_request`), and is turned into the delta it adds (see
 * streamed-field.ts for the two stream shapes). The result equals the unary answer.
 */
export function newGenerateStream(forced: StreamShape | null = null): GenerationStream {
  const sequences = new Map<number, SequenceState>();
  return {
    push(payload: unknown): GenerationDelta[] {
      const output = readGenerateOutput(payload);
      const index = output.index ?? 0;
      const state = sequences.get(index) ?? newSequence(forced);
      sequences.set(index, state);
      const total = output.completionTokens;
      const ids = output.outputIds === null ? [] : state.ids.push(output.outputIds, total);
      const triples = output.triples === null ? [] : state.triples.push(output.triples, total);
      state.sawIds ||= output.outputIds !== null;
      state.sawTriples ||= output.triples !== null;
      const text = output.text === null ? '' : state.text.push(output.text, state.triples.shape ?? state.ids.shape);
      if (output.finishReason !== null && output.finishReason !== undefined) state.finishReason = output.finishReason;
      state.promptTokens = output.promptTokens ?? state.promptTokens;
      state.completionTokens = total ?? state.completionTokens;
      const finish = mapFinishReason(output.finishReason);
      return [{ index, text, completionIds: ids, logprobs: triples.map((t) => t.logprob), tokens: triples.map((t) => t.text ?? ''), ...finish }];
    },
    result() {
      const indices = [...sequences.keys()].sort((a, b) => a - b);
      const states = indices.map((index) => sequences.get(index) as SequenceState);
      const choices = indices.map((index, i) => {
        const state = states[i] as SequenceState;
        const aligned = alignTokens(state.sawIds ? state.ids.all : null, state.sawTriples ? state.triples.all : null);
        return { index, completionIds: aligned.ids, logprobs: aligned.logprobs, tokens: aligned.tokens, text: state.text.all, ...mapFinishReason(state.finishReason) };
      });
      return { promptIds: null, choices, usage: usageOf(states) };
    },
  };
}
