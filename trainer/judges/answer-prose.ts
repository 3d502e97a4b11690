/**
 * The prose of a response: the part in which a model can state a final answer.
 *
 * Policy: a number the model wrote as input to a tool or as code is never its final answer. A turn
 * that only calls the tool (`print(18)` inside a tool call) has answered nothing, and grading the
 * digits of its code would reward answering before the tool's result. Removed before any answer
 * is looked for:
 * - tool-call markup as the proxy's parsers read it (vLLM's `hermes` and `qwen3_coder` tool
 *   parsers): `<tool_call>…</tool_call>` and `<function=…>…</function>` blocks, and an unclosed
 *   one up to the end of the text (a call cut off by the token limit);
 * - fenced code blocks (```` ``` ```` or `~~~`, closed or not);
 * - inline code spans, unless the span holds nothing but one number (`` `18` `` is emphasis).
 */

const TOOL_CALL_BLOCK = /<tool_call>[\s\S]*?(?:<\/tool_call>|$)/g;
const FUNCTION_BLOCK = /<function=[^>]*>[\s\S]*?(?:<\/function>|$)/g;
const STRAY_TOOL_TAG = /<\/?tool_call>|<\/function>/g;
const FENCED_CODE = /(^|\n)[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n[ \t]*\2[^\n]*(?=\n|$)|$)/g;
const INLINE_CODE = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g;
const BARE_NUMBER = /^\s*[-−]?[$€£]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*%?\s*$/u;

/** The response with tool-call markup and code removed; each removed span leaves one space. */
export function answerProse(text: string): string {
  return text
    .replace(TOOL_CALL_BLOCK, ' ')
    .replace(FUNCTION_BLOCK, ' ')
    .replace(STRAY_TOOL_TAG, ' ')
    .replace(FENCED_CODE, '$1 ')
    .replace(INLINE_CODE, (span, _ticks: string, content: string) => (BARE_NUMBER.test(content) ? span : ' '));
}
