import type { DecoderInfo } from '../api/view-wire.ts';

/**
 * How the Tokens page turns ids into text. One strategy per run, chosen when the run is opened
 * (`choose-decoder.ts`): the model's `tokenizer.json`, the engine's `/detokenize`, or the ids
 * alone — the page says which.
 */
export type TokenDecoder = {
  readonly info: DecoderInfo;
  /** Text of tokens `[from, to)` of `ids`, one string per token (the earlier tokens give context). */
  textOf(ids: readonly number[], from: number, to: number): Promise<string[]>;
};

export type DecodedPage = { text: string[]; info: DecoderInfo };

/** Decodes with `decoder`; when it fails (an engine that is gone), shows ids and says why. */
export async function decodePage(decoder: TokenDecoder, ids: readonly number[], from: number, to: number): Promise<DecodedPage> {
  try {
    return { text: await decoder.textOf(ids, from, to), info: decoder.info };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { text: ids.slice(from, to).map(String), info: { kind: 'ids', detail: `token ids only: ${decoder.info.detail} failed (${reason})` } };
  }
}

/** Shows each token as its id, for runs with neither a tokenizer nor a reachable engine. */
export function idsDecoder(detail: string): TokenDecoder {
  return {
    info: { kind: 'ids', detail },
    textOf: async (ids, from, to) => ids.slice(from, to).map(String),
  };
}
