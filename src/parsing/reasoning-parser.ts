/**
 * Splits a reasoning block off completion text, Qwen3 / DeepSeek-R1 style:
 * `<think>\nREASONING\n</think>\n\nCONTENT`.
 *
 * Rules (vLLM `--reasoning-parser qwen3` / `deepseek_r1`, with rollcall's choices where they differ):
 * - A block opens only when the start tag is the first non-whitespace text of the output: these
 *   models open their block first, and a `<think>` later in the answer is prose about tags (vLLM
 *   would drop the text before it).
 * - `startsInReasoning`: the prompt already ended inside a block (a template that appends
 *   `<think>\n` to the generation prompt), so the output starts as reasoning.
 * - Reasoning is the text between the tags, exactly as written (newlines included). Content is the
 *   text after the end tag with its leading newlines removed; it is null when the block never ends
 *   (then `unterminatedReasoning` is set: typically the token budget ran out while thinking).
 * - Without a block the whole text is content and reasoning is null. A second block, or an end tag
 *   without a start, is plain content.
 */

/** The tags around a reasoning block. */
export type ReasoningTags = { readonly start: string; readonly end: string };

/** Qwen3 and DeepSeek-R1 tags. */
export const DEFAULT_REASONING_TAGS: ReasoningTags = Object.freeze({ start: '<think>', end: '</think>' });

export type ReasoningOptions = {
  /** The prompt ended inside a reasoning block. Default false. */
  startsInReasoning?: boolean;
  tags?: ReasoningTags;
};

export type ReasoningSplit = {
  /** The block's text, or null when the output has no reasoning block. */
  reasoning: string | null;
  /** The text after the block (leading newlines removed), the whole text without a block, or null. */
  content: string | null;
  /** The block never closed. */
  unterminatedReasoning: boolean;
};

/** Length of the whitespace that precedes a possible start tag. */
export function leadingWhitespaceLength(text: string): number {
  return /^\s*/.exec(text)?.[0].length ?? 0;
}

/** Removes the newlines that separate `</think>` from the answer. */
export function stripLeadingNewlines(text: string): string {
  return text.replace(/^[\r\n]+/, '');
}

/**
 * Splits reasoning from content.
 *
 * @example parseReasoning('<think>\nadd them\n</think>\n\n4')
 * // → { reasoning: '\nadd them\n', content: '4', unterminatedReasoning: false }
 * @example parseReasoning('still thinking', { startsInReasoning: true })
 * // → { reasoning: 'still thinking', content: null, unterminatedReasoning: true }
 */
export function parseReasoning(text: string, options: ReasoningOptions = {}): ReasoningSplit {
  const tags = options.tags ?? DEFAULT_REASONING_TAGS;
  let body = text;
  if (options.startsInReasoning !== true) {
    const tagStart = leadingWhitespaceLength(text);
    if (!text.startsWith(tags.start, tagStart)) {
      return { reasoning: null, content: text, unterminatedReasoning: false };
    }
    body = text.slice(tagStart + tags.start.length);
  }
  const end = body.indexOf(tags.end);
  if (end === -1) return { reasoning: body, content: null, unterminatedReasoning: true };
  return {
    reasoning: body.slice(0, end),
    content: stripLeadingNewlines(body.slice(end + tags.end.length)),
    unterminatedReasoning: false,
  };
}
