import type { WireToolCall } from '../wire/openai-chat.ts';
import { hermesDialect } from './hermes-tool-parser.ts';
import { createQwen3CoderDialect } from './qwen3-coder-tool-parser.ts';
import type { ToolSpec } from './qwen3-coder-values.ts';
import { parseReasoning } from './reasoning-parser.ts';
import type { ReasoningTags } from './reasoning-parser.ts';
import { extractToolCalls, isContentSegment } from './tool-call-extraction.ts';
import { createToolCallId, toWireToolCall } from './tool-call.ts';
import type { ToolCallDialect, ToolCallIdFactory, ToolParseResult } from './tool-call.ts';

/**
 * Token mode's answer builder: completion text → the assistant message of a chat completion.
 * Reasoning is split off first and tool calls are looked for only in what follows it, so a
 * `<tool_call>` the model drafts while thinking is never executed (AReaL#736).
 */

export const TOOL_PARSERS = ['hermes', 'qwen3_coder', 'none'] as const;
export type ToolParserName = (typeof TOOL_PARSERS)[number];

export type ChatParseOptions = {
  toolParser: ToolParserName;
  /** Split a `<think>` block off the output (Qwen3, DeepSeek-R1). */
  reasoning: boolean;
  /** The prompt ended inside a reasoning block; ignored when `reasoning` is false. */
  startsInReasoning?: boolean;
  /** The request's tools; `qwen3_coder` types parameter values from their schemas. */
  tools?: readonly ToolSpec[];
  reasoningTags?: ReasoningTags;
  /** Default: random `call_<24 base62>` ids. */
  newToolCallId?: ToolCallIdFactory;
};

export type ParsedChatMessage = {
  /** Null when there is nothing but whitespace to say. */
  content: string | null;
  reasoning: string | null;
  toolCalls: WireToolCall[];
  /** The exact argument text of each call as the model wrote it, in `toolCalls` order. */
  rawToolArguments: string[];
  /** Why the tool-call text was rejected (then `content` holds it verbatim), or null. */
  malformedToolCall: string | null;
  unterminatedReasoning: boolean;
  /**
   * `'tool_calls'` when calls were parsed: the proxy reports it instead of the engine's reason,
   * as vLLM does for `tool_choice` auto/required (vLLM keeps `stop` for a named tool_choice).
   */
  finishReason: 'tool_calls' | null;
};

/**
 * The dialect for a parser name, or null for `none`.
 *
 * @example selectToolDialect('qwen3_coder', request.tools ?? [])
 */
export function selectToolDialect(name: ToolParserName, tools: readonly ToolSpec[] = []): ToolCallDialect | null {
  switch (name) {
    case 'hermes':
      return hermesDialect;
    case 'qwen3_coder':
      return createQwen3CoderDialect(tools);
    case 'none':
      return null;
  }
}

function parseContent(text: string, options: ChatParseOptions): ToolParseResult {
  const dialect = selectToolDialect(options.toolParser, options.tools);
  if (dialect === null) return { content: isContentSegment(text) ? text : null, toolCalls: [], malformed: null };
  return extractToolCalls(text, dialect, options.newToolCallId ?? createToolCallId);
}

/**
 * Parses a whole completion text into a chat message.
 *
 * @example
 * parseCompletionText('<think>\nweather?\n</think>\n\n<tool_call>\n{"name": "get_weather", ' +
 *   '"arguments": {"city": "Paris"}}\n</tool_call>', { toolParser: 'hermes', reasoning: true })
 * // → { content: null, reasoning: '\nweather?\n', finishReason: 'tool_calls', malformedToolCall: null,
 * //     toolCalls: [{ id: 'call_…', type: 'function',
 * //                   function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }], … }
 */
export function parseCompletionText(text: string, options: ChatParseOptions): ParsedChatMessage {
  const split = options.reasoning
    ? parseReasoning(text, { startsInReasoning: options.startsInReasoning ?? false, tags: options.reasoningTags })
    : { reasoning: null, content: text, unterminatedReasoning: false };
  const tools: ToolParseResult =
    split.content === null ? { content: null, toolCalls: [], malformed: null } : parseContent(split.content, options);
  return {
    content: tools.content,
    reasoning: split.reasoning,
    toolCalls: tools.toolCalls.map(toWireToolCall),
    rawToolArguments: tools.toolCalls.map((call) => call.rawArguments),
    malformedToolCall: tools.malformed?.reason ?? null,
    unterminatedReasoning: split.unterminatedReasoning,
    finishReason: tools.toolCalls.length > 0 ? 'tool_calls' : null,
  };
}
