import type {
  ParsedToolCall,
  ToolBlockTag,
  ToolCallDialect,
  ToolCallIdFactory,
  ToolParseResult,
} from './tool-call.ts';
import { findNextBlock } from './tag-search.ts';

/**
 * The policy shared by every tool-call dialect (non-streaming; `streaming-tool-scanner.ts` applies
 * the same rules incrementally):
 * - The text is cut into call blocks and the *segments* around them. A segment that is only
 *   whitespace is dropped; the others are concatenated, in order, into `content` (null if none).
 *   vLLM keeps only the text before the first call and silently drops later text; rollcall keeps
 *   non-blank text after a call so that nothing the model wrote disappears from the message.
 * - Any malformed block (the dialect rejects it, or it is never closed) makes the whole text plain
 *   content with no tool calls, like vLLM, but reported in `malformed` instead of only logged, so
 *   the proxy can flag the call and count it rather than train on a silently dropped call.
 */

/** True when a segment carries something other than whitespace, i.e. belongs in `content`. */
export function isContentSegment(segment: string): boolean {
  return /\S/.test(segment);
}

/** The reason recorded for a block whose closing tag never came. */
export function unterminatedReason(tag: ToolBlockTag): string {
  return `unterminated ${tag.open}: no ${tag.close} before the end of the output`;
}

/**
 * Splits `text` into content and tool calls with a dialect's block grammar.
 *
 * @example
 * extractToolCalls('Hi <tool_call>{"name":"f","arguments":{}}</tool_call>', hermesDialect, ids)
 * // → { content: 'Hi ', toolCalls: [{ id: 'call_0', name: 'f', arguments: '{}', … }], malformed: null }
 */
export function extractToolCalls(
  text: string,
  dialect: ToolCallDialect,
  newToolCallId: ToolCallIdFactory,
): ToolParseResult {
  const kept: string[] = [];
  const toolCalls: ParsedToolCall[] = [];
  let position = 0;
  for (;;) {
    const next = findNextBlock(text, dialect.blocks, position);
    const segment = text.slice(position, next === null ? text.length : next.index);
    if (isContentSegment(segment)) kept.push(segment);
    if (next === null) break;
    const bodyStart = next.index + next.tag.open.length;
    const closeIndex = text.indexOf(next.tag.close, bodyStart);
    if (closeIndex === -1) return malformedResult(text, unterminatedReason(next.tag));
    const block = dialect.parseBlock(next.tag, text.slice(bodyStart, closeIndex));
    if (!block.ok) return malformedResult(text, block.reason);
    toolCalls.push({
      id: newToolCallId(),
      name: block.name,
      arguments: block.arguments,
      rawArguments: block.rawArguments,
    });
    position = closeIndex + next.tag.close.length;
  }
  return { content: kept.length === 0 ? null : kept.join(''), toolCalls, malformed: null };
}

function malformedResult(text: string, reason: string): ToolParseResult {
  return { content: text, toolCalls: [], malformed: { reason } };
}
