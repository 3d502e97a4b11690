import type { ToolBlockTag } from './tool-call.ts';

/**
 * Finding tags in generated text. Tags are matched as exact strings, as vLLM does on decoded
 * text. Streaming needs the second function: a piece may end in the first characters of a tag
 * whose rest is still being generated (`<tool_` … `call>`), so those characters cannot be released
 * until the next piece decides.
 */

/**
 * The earliest block opening at or after `from`, or null.
 *
 * @example findNextBlock('a <tool_call>', [{ open: '<tool_call>', close: '</tool_call>' }], 0)
 * // → { index: 2, tag: { open: '<tool_call>', close: '</tool_call>' } }
 */
export function findNextBlock(
  text: string,
  blocks: readonly ToolBlockTag[],
  from: number,
): { index: number; tag: ToolBlockTag } | null {
  let best: { index: number; tag: ToolBlockTag } | null = null;
  for (const tag of blocks) {
    const index = text.indexOf(tag.open, from);
    if (index !== -1 && (best === null || index < best.index)) best = { index, tag };
  }
  return best;
}

/**
 * The length of the longest end of `text` that is a proper beginning of one of `tags` (0 if none).
 *
 * @example partialTagLength('Sure <tool_', ['<tool_call>']) // → 6
 * @example partialTagLength('a < b', ['<tool_call>']) // → 0
 */
export function partialTagLength(text: string, tags: readonly string[]): number {
  const longest = Math.max(0, ...tags.map((tag) => tag.length - 1));
  for (let length = Math.min(longest, text.length); length > 0; length--) {
    const end = text.slice(text.length - length);
    if (tags.some((tag) => tag.startsWith(end))) return length;
  }
  return 0;
}
