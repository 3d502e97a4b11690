/**
 * Tool-call hygiene of one recorded call, used by the `wrong_toolcall` and `nonsense` checks.
 *
 * `completionText` may be the raw decoded completion, which still holds the
 * `<tool_call>…</tool_call>` markup of the calls the engine's parser extracted. So the first N
 * complete blocks (N = parsed tool calls) are treated as the parsed calls; any tag left after them
 * — an unclosed `<tool_call>`, a stray `</tool_call>`, or a block the parser did not turn into a
 * call — is a bare tag.
 */
import type { JudgeCall, JudgeToolCall } from './judge-types.ts';

const TOOL_CALL_BLOCK = /<tool_call>[\s\S]*?<\/tool_call>/g;
const TOOL_CALL_TAG = /<\/?tool_call>/g;

/** How many `<tool_call>` / `</tool_call>` tags are left outside the parsed calls. */
export function countBareToolCallTags(call: JudgeCall): number {
  let remaining = call.toolCalls.length;
  const rest = call.completionText.replace(TOOL_CALL_BLOCK, (block) => {
    if (remaining === 0) return block;
    remaining--;
    return ' ';
  });
  return [...rest.matchAll(TOOL_CALL_TAG)].length;
}

/** True when `arguments` is not the JSON text of an object (invalid JSON, array, string, null). */
export function hasNonObjectArguments(toolCall: JudgeToolCall): boolean {
  try {
    const parsed: unknown = JSON.parse(toolCall.arguments);
    return typeof parsed !== 'object' || parsed === null || Array.isArray(parsed);
  } catch {
    return true; // unparseable JSON is exactly what this check reports
  }
}

export type ToolCallProblem = 'malformed' | 'arguments_not_object' | 'bare_tag';

/** The tool-call problems of one call, without duplicates. */
export function findToolCallProblems(call: JudgeCall): ToolCallProblem[] {
  const problems: ToolCallProblem[] = [];
  const hasBadName = call.toolCalls.some((toolCall) => toolCall.name.trim() === '');
  if (call.flags.malformedToolCall === true || hasBadName) problems.push('malformed');
  if (call.toolCalls.some(hasNonObjectArguments)) problems.push('arguments_not_object');
  if (countBareToolCallTags(call) > 0) problems.push('bare_tag');
  return problems;
}
