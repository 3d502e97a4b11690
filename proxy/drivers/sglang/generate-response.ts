import type { Usage } from '../../../src/store/records.ts';
import type { Generation, GenerationChoice } from '../driver-types.ts';
import { isRecord } from '../engine-json.ts';
import { generateOutputs, type GenerateOutput, type LogprobTriple } from './sglang-wire.ts';

/**
 * Reading SGLang's `/generate` answer into a token-mode generation (the shape built by
 * `_handle_batch_output` in `python/sglang/srt/managers/tokenizer_manager.py`).
 *
 * Finish reasons are objects: `{type:"stop", matched}`, `{type:"length"}`, `{type:"abort"}`.
 * `matched` is a token id when a stop token ended the turn and a string when a stop string did.
 * Token mode never sends `stop_token_ids`, so a matched id is always one of the model's EOS ids
 * (generation_config may list several, e.g. Qwen's <|im_end|> and <|endoftext|>): it maps to
 * stopReason null, the "model's own EOS" that turn continuation relies on. A matched string
 * is kept as the stop reason.
 */
const FINISH_TYPES: Readonly<Record<string, string>> = { stop: 'stop', length: 'length', abort: 'abort' };

export function mapFinishReason(reason: unknown): Pick<GenerationChoice, 'finishReason' | 'stopReason'> {
  if (!isRecord(reason) || typeof reason.type !== 'string') return { finishReason: null, stopReason: null };
  const finishReason = FINISH_TYPES[reason.type] ?? reason.type;
  const stopReason = reason.type === 'stop' && typeof reason.matched === 'string' ? reason.matched : null;
  return { finishReason, stopReason };
}

const sameIds = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The completion ids and their logprobs. `output_ids` and the logprob triples both come from the
 * engine and must agree. Builds differ on whether `output_ids` holds the final EOS: when it is
 * exactly the triples' ids minus the last one, the triples' ids (EOS included, the token the
 * model sampled) are taken. On any other disagreement no logprob is kept, so the
 * invariant check refuses the call instead of training on misaligned values.
 */
export function alignTokens(outputIds: number[] | null, triples: LogprobTriple[] | null): { ids: number[]; logprobs: number[]; tokens: string[] } {
  const tripleIds = (triples ?? []).map((t) => t.id);
  const logprobs = (triples ?? []).map((t) => t.logprob);
  const tokens = (triples ?? []).map((t) => t.text ?? '');
  if (outputIds === null) return { ids: tripleIds, logprobs, tokens };
  if (sameIds(outputIds, tripleIds)) return { ids: outputIds, logprobs, tokens };
  if (tripleIds.length === outputIds.length + 1 && sameIds(outputIds, tripleIds.slice(0, -1))) return { ids: tripleIds, logprobs, tokens };
  return { ids: outputIds, logprobs: [], tokens: [] };
}

export function toChoice(output: GenerateOutput, index: number): GenerationChoice {
  const aligned = alignTokens(output.outputIds, output.triples);
  return { index, completionIds: aligned.ids, logprobs: aligned.logprobs, tokens: aligned.tokens, text: output.text ?? '', ...mapFinishReason(output.finishReason) };
}

/** Prompt tokens are counted once (every sequence of `n` shares the prompt); completions add up. */
export function usageOf(outputs: readonly Pick<GenerateOutput, 'promptTokens' | 'completionTokens'>[]): Usage | null {
  const prompt = outputs[0]?.promptTokens ?? null;
  if (prompt === null || outputs.some((o) => o.completionTokens === null)) return null;
  const completion = outputs.reduce((sum, o) => sum + (o.completionTokens ?? 0), 0);
  return { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion };
}

/** `/generate` returns no prompt ids unless asked (`return_prompt_token_ids`); the proxy sent them. */
export function readGenerate(body: unknown): Generation {
  const outputs = generateOutputs(body);
  return {
    promptIds: null,
    choices: outputs.map((o, position) => toChoice(o, o.index ?? position)).sort((a, b) => a.index - b.index),
    usage: usageOf(outputs),
  };
}
