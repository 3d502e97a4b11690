import { findMemberValueText, isJsonObject, minifyJson, parseJsonText } from './json-text.ts';
import { extractToolCalls } from './tool-call-extraction.ts';
import { createToolCallId } from './tool-call.ts';
import type { ToolBlockResult, ToolCallDialect, ToolCallIdFactory, ToolParseResult } from './tool-call.ts';

/**
 * The Hermes tool-call format (Hermes 2 Pro/3, Qwen2.5, Qwen3, QwQ; vLLM `--tool-call-parser
 * hermes`): `<tool_call>\n{"name": "f", "arguments": {...}}\n</tool_call>`, one block per call.
 *
 * Stricter than vLLM on purpose: `arguments` must be present and a JSON object (vLLM passes a
 * string or array on; OpenAI clients then fail on `JSON.parse(arguments)` or get a non-object) and
 * `name` a non-empty string. Extra keys in the block are ignored.
 */

const TOOL_CALL = { open: '<tool_call>', close: '</tool_call>' } as const;

function describeJsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function parseHermesBlock(body: string): ToolBlockResult {
  const parsed = parseJsonText(body);
  if (!parsed.ok) return { ok: false, reason: `invalid JSON in <tool_call>: ${parsed.error}` };
  const call = parsed.value;
  if (!isJsonObject(call)) {
    return { ok: false, reason: `<tool_call> must hold a JSON object, got ${describeJsonKind(call)}` };
  }
  if (typeof call.name !== 'string' || call.name.trim() === '') {
    return { ok: false, reason: '<tool_call> has no "name" string' };
  }
  if (!('arguments' in call)) return { ok: false, reason: `<tool_call> "${call.name}" has no "arguments"` };
  if (!isJsonObject(call.arguments)) {
    return {
      ok: false,
      reason: `"arguments" of "${call.name}" must be a JSON object, got ${describeJsonKind(call.arguments)}`,
    };
  }
  // The JSON was accepted above, so the member is there; `?? '{}'` only satisfies the type.
  const rawArguments = findMemberValueText(body, 'arguments') ?? '{}';
  return { ok: true, name: call.name, arguments: minifyJson(rawArguments), rawArguments };
}

/** The Hermes dialect, for the shared extraction and the streaming scanner. */
export const hermesDialect: ToolCallDialect = {
  blocks: [TOOL_CALL],
  parseBlock: (_tag, body) => parseHermesBlock(body),
};

/**
 * Parses Hermes `<tool_call>` blocks out of completion text (reasoning already removed).
 * `arguments` is the model's argument object text with insignificant whitespace removed;
 * `rawArguments` is that text exactly as written.
 *
 * @example
 * parseHermesToolCalls('<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>')
 * // → { content: null, malformed: null,
 * //     toolCalls: [{ id: 'call_…', name: 'get_weather', arguments: '{"city":"Paris"}',
 * //                   rawArguments: '{"city": "Paris"}' }] }
 */
export function parseHermesToolCalls(
  text: string,
  options: { newToolCallId?: ToolCallIdFactory } = {},
): ToolParseResult {
  return extractToolCalls(text, hermesDialect, options.newToolCallId ?? createToolCallId);
}
