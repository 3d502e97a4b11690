/**
 * The fake engine's tokenizer: tiktoken's cl100k_base extended with the ChatML / Qwen-style added
 * tokens the chat template and the hermes tool parser need. One instance per engine; it owns a
 * WASM encoder, so `free()` must be called when the engine closes (and nothing may use it after).
 *
 * Decoding follows what vLLM does for logprob token strings: each id is decoded alone, so a byte
 * fragment of a multi-byte character becomes "\ufffd" (vllm/tokenizers/detokenizer_utils.py).
 */
import { get_encoding, type Tiktoken } from 'tiktoken';

/** Added tokens. cl100k's own specials are 100257–100260 (endoftext, fim_*) and 100276. */
export const ADDED_TOKENS = {
  '<|im_start|>': 100264,
  '<|im_end|>': 100265,
  '<tool_call>': 100266,
  '</tool_call>': 100267,
  '<think>': 100268,
  '</think>': 100269,
} as const;

export const IM_START_ID = ADDED_TOKENS['<|im_start|>'];
export const IM_END_ID = ADDED_TOKENS['<|im_end|>'];
export const TOOL_CALL_START_ID = ADDED_TOKENS['<tool_call>'];
export const TOOL_CALL_END_ID = ADDED_TOKENS['</tool_call>'];
export const THINK_START_ID = ADDED_TOKENS['<think>'];
export const THINK_END_ID = ADDED_TOKENS['</think>'];
/** The model's EOS (Qwen's generation_config eos is `<|im_end|>`). */
export const EOS_ID = IM_END_ID;

const CL100K_SPECIALS: Readonly<Record<string, number>> = {
  '<|endoftext|>': 100257,
  '<|fim_prefix|>': 100258,
  '<|fim_middle|>': 100259,
  '<|fim_suffix|>': 100260,
  '<|endofprompt|>': 100276,
};
/** Highest ordinary BPE rank in cl100k_base; 100256 and 100261–100263, 100270–100275 are holes. */
const MAX_ORDINARY_ID = 100255;
/** `max id + 1`, what vLLM reports as the vocabulary size (used for `top_logprobs: -1`). */
export const VOCAB_SIZE = 100277;

/**
 * Ids dropped from text by `skip_special_tokens` — like HF, where `<|im_start|>`/`<|im_end|>` are
 * "special" but `<tool_call>` and `<think>` are ordinary added tokens that stay in the text.
 */
const SKIPPED_SPECIAL_IDS: ReadonlySet<number> = new Set([
  ...Object.values(CL100K_SPECIALS),
  IM_START_ID,
  IM_END_ID,
]);
const EXTRA_IDS: ReadonlySet<number> = new Set([
  ...Object.values(CL100K_SPECIALS),
  ...Object.values(ADDED_TOKENS),
]);

export class FakeTokenizer {
  #encoder: Tiktoken | null;
  readonly #pieceCache = new Map<number, string>();
  readonly #bytesCache = new Map<number, Uint8Array>();

  constructor() {
    this.#encoder = get_encoding('cl100k_base', { ...ADDED_TOKENS });
  }

  get isFreed(): boolean {
    return this.#encoder === null;
  }

  /** Encodes with every special token allowed (vLLM/HF split added tokens out of any text). */
  encode(text: string): number[] {
    return Array.from(this.#live().encode(text, 'all'));
  }

  /** True for ids the tokenizer can decode; anything else is "out of vocabulary". */
  isValidId(id: number): boolean {
    if (!Number.isInteger(id) || id < 0) return false;
    if (id <= MAX_ORDINARY_ID) return true;
    return EXTRA_IDS.has(id);
  }

  isSkippedSpecial(id: number): boolean {
    return SKIPPED_SPECIAL_IDS.has(id);
  }

  /** Raw bytes of one token (a multi-byte character may be split across tokens). */
  tokenBytes(id: number): Uint8Array {
    let bytes = this.#bytesCache.get(id);
    if (bytes === undefined) {
      this.#assertValid(id);
      bytes = this.#live().decode_single_token_bytes(id);
      this.#bytesCache.set(id, bytes);
    }
    return bytes;
  }

  /** One id decoded alone, as vLLM renders logprob tokens ("\ufffd" for a byte fragment). */
  decodeToken(id: number): string {
    let piece = this.#pieceCache.get(id);
    if (piece === undefined) {
      piece = new TextDecoder().decode(this.tokenBytes(id));
      this.#pieceCache.set(id, piece);
    }
    return piece;
  }

  /** Decodes a sequence; with `skipSpecialTokens` the ChatML/cl100k specials are dropped. */
  decode(ids: readonly number[], skipSpecialTokens = false): string {
    const kept = skipSpecialTokens ? ids.filter((id) => !SKIPPED_SPECIAL_IDS.has(id)) : ids;
    for (const id of kept) this.#assertValid(id);
    return new TextDecoder().decode(this.#live().decode(Uint32Array.from(kept)));
  }

  free(): void {
    this.#encoder?.free();
    this.#encoder = null;
  }

  #live(): Tiktoken {
    if (this.#encoder === null) throw new Error('fake engine tokenizer used after free()');
    return this.#encoder;
  }

  #assertValid(id: number): void {
    // tiktoken's WASM panics (and is left unusable) on an unknown id, so check first.
    if (!this.isValidId(id)) throw new RangeError(`Token id ${id} is out of vocabulary`);
  }
}
