import { isIdArray, isRecord } from '../engine-json.ts';

/**
 * SGLang's native `/generate` answer (`python/sglang/srt/managers/tokenizer_manager.py`,
 * `_handle_batch_output`), read defensively: every field is checked before use.
 */

/** One `[logprob, token_id, text | null]` entry of `meta_info.output_token_logprobs`. */
export type LogprobTriple = { logprob: number; id: number; text: string | null };

export type GenerateOutput = {
  index: number | null;
  text: string | null;
  outputIds: number[] | null;
  triples: LogprobTriple[] | null;
  finishReason: unknown;
  promptTokens: number | null;
  completionTokens: number | null;
};

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * The triples as SGLang sends them; null when the list is absent or any entry is malformed,
 * so a malformed answer never yields ids. A null logprob (the first prompt position) reads as NaN.
 */
export function readTriples(value: unknown): LogprobTriple[] | null {
  if (!Array.isArray(value)) return null;
  const triples: LogprobTriple[] = [];
  for (const entry of value) {
    if (!Array.isArray(entry) || !Number.isInteger(entry[1])) return null;
    const [logprob, id, text] = entry as [unknown, number, unknown];
    triples.push({ logprob: typeof logprob === 'number' ? logprob : Number.NaN, id, text: typeof text === 'string' ? text : null });
  }
  return triples;
}

export function readGenerateOutput(value: unknown): GenerateOutput {
  const wire = isRecord(value) ? value : {};
  const meta = isRecord(wire.meta_info) ? wire.meta_info : {};
  return {
    index: Number.isInteger(wire.index) ? (wire.index as number) : null,
    text: typeof wire.text === 'string' ? wire.text : null,
    outputIds: isIdArray(wire.output_ids) ? wire.output_ids : null,
    triples: readTriples(meta.output_token_logprobs),
    finishReason: meta.finish_reason,
    promptTokens: numberOrNull(meta.prompt_tokens),
    completionTokens: numberOrNull(meta.completion_tokens),
  };
}

/** SGLang answers one object for one sequence and a JSON array for `n > 1` or batches. */
export function generateOutputs(body: unknown): GenerateOutput[] {
  const items = Array.isArray(body) ? body : [body];
  return items.map((item, position) => {
    const output = readGenerateOutput(item);
    return { ...output, index: output.index ?? position };
  });
}
