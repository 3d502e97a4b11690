/**
 * Token-by-token text the way engines stream it (vLLM `detokenize_incrementally` in
 * vllm/tokenizers/detokenizer_utils.py, after TGI): a token's text is what decoding the sequence
 * up to it adds to decoding the sequence before it, over a short window of earlier tokens. A
 * token that ends inside a multi-byte character (the decoded text ends in U+FFFD) adds nothing
 * yet; the token that completes the character carries it. Tokenizers that drop a leading space at
 * the start of a decode (SentencePiece) keep it because the window starts earlier.
 */

/** Tokens decoded before `from` for context; they are not returned. */
const CONTEXT_TOKENS = 8;

export function incrementalText(decode: (ids: number[]) => string, ids: readonly number[], from: number, to: number): string[] {
  const start = Math.max(0, from - CONTEXT_TOKENS);
  const out: string[] = [];
  let prefix = start;
  let read = start;
  let prefixText = '';
  for (let i = start; i < to; i++) {
    const newText = decode(ids.slice(prefix, i + 1) as number[]);
    let piece = '';
    if (newText.length > prefixText.length && !newText.endsWith('\ufffd')) {
      piece = newText.slice(prefixText.length);
      prefix = read;
      read = i + 1;
      prefixText = decode(ids.slice(prefix, read) as number[]);
    }
    if (i >= from) out.push(piece);
  }
  return out;
}
