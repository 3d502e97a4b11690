import { buildParameterTypeTable, convertParameterValue } from './qwen3-coder-values.ts';
import type { ParameterTypeTable, ToolSpec } from './qwen3-coder-values.ts';
import { extractToolCalls } from './tool-call-extraction.ts';
import { createToolCallId } from './tool-call.ts';
import type {
  ToolBlockResult,
  ToolBlockTag,
  ToolCallDialect,
  ToolCallIdFactory,
  ToolParseResult,
} from './tool-call.ts';

/**
 * The Qwen3-Coder XML tool-call format (vLLM `qwen3_coder` / `qwen3_xml`):
 *
 *   <tool_call>
 *   <function=NAME>
 *   <parameter=KEY>
 *   VALUE
 *   </parameter>
 *   </function>
 *   </tool_call>
 *
 * One function per `<tool_call>`; like vLLM, a bare `<function=…>…</function>` without the
 * `<tool_call>` wrapper is accepted too. One newline right after `<parameter=KEY>` and one right
 * before `</parameter>` belong to the layout and are removed; the rest of VALUE is kept. Values
 * are typed by `qwen3-coder-values.ts`. Stricter than vLLM (which guesses missing closing tags):
 * every parameter needs its `</parameter>` and only whitespace may sit between the tags, so a
 * structurally broken call is reported as malformed instead of half-read.
 *
 * `rawArguments` is the exact XML the model wrote between `<function=NAME>` and `</function>`.
 */

const TOOL_CALL: ToolBlockTag = { open: '<tool_call>', close: '</tool_call>' };
const BARE_FUNCTION: ToolBlockTag = { open: '<function=', close: '</function>' };
const PARAMETER_OPEN = '<parameter=';
const PARAMETER_CLOSE = '</parameter>';
const WRAPPED_FUNCTION = /^\s*<function=([\s\S]*)<\/function>\s*$/;

function isTagName(name: string): boolean {
  return name !== '' && !/[<>\n]/.test(name);
}

function snippet(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

type Parameters = { ok: true; values: Map<string, string> } | { ok: false; reason: string };

function parseParameters(text: string, functionName: string): Parameters {
  const values = new Map<string, string>();
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) return { ok: true, values };
    if (!text.startsWith(PARAMETER_OPEN, i)) {
      return { ok: false, reason: `unexpected text in <function=${functionName}>: ${snippet(text.slice(i))}` };
    }
    const keyEnd = text.indexOf('>', i + PARAMETER_OPEN.length);
    const key = keyEnd === -1 ? '' : text.slice(i + PARAMETER_OPEN.length, keyEnd).trim();
    if (!isTagName(key)) return { ok: false, reason: `invalid <parameter=…> name in <function=${functionName}>` };
    const close = text.indexOf(PARAMETER_CLOSE, keyEnd + 1);
    if (close === -1) return { ok: false, reason: `<parameter=${key}> of ${functionName} has no ${PARAMETER_CLOSE}` };
    let value = text.slice(keyEnd + 1, close);
    if (value.startsWith('\n')) value = value.slice(1);
    if (value.endsWith('\n')) value = value.slice(0, -1);
    // A repeated key keeps its first position and its last value, as a JSON object would.
    values.set(key, value);
    i = close + PARAMETER_CLOSE.length;
  }
}

function parseFunction(functionText: string, types: ParameterTypeTable): ToolBlockResult {
  const nameEnd = functionText.indexOf('>');
  const name = nameEnd === -1 ? '' : functionText.slice(0, nameEnd).trim();
  if (!isTagName(name)) return { ok: false, reason: 'invalid <function=NAME> tag' };
  const rawArguments = functionText.slice(nameEnd + 1);
  const parameters = parseParameters(rawArguments, name);
  if (!parameters.ok) return parameters;
  const parameterTypes = types.get(name);
  const members = [...parameters.values].map(
    ([key, value]) => `${JSON.stringify(key)}:${convertParameterValue(value, parameterTypes?.get(key) ?? null)}`,
  );
  return { ok: true, name, arguments: `{${members.join(',')}}`, rawArguments };
}

/**
 * The Qwen3-Coder dialect; `tools` (the request's tool definitions) type the parameter values.
 *
 * @example createQwen3CoderDialect(request.tools ?? [])
 */
export function createQwen3CoderDialect(tools: readonly ToolSpec[] = []): ToolCallDialect {
  const types = buildParameterTypeTable(tools);
  return {
    blocks: [TOOL_CALL, BARE_FUNCTION],
    parseBlock(tag, body) {
      if (tag.open === BARE_FUNCTION.open) return parseFunction(body, types);
      const wrapped = WRAPPED_FUNCTION.exec(body);
      if (wrapped === null) {
        return { ok: false, reason: '<tool_call> must hold exactly one <function=NAME>…</function>' };
      }
      return parseFunction(wrapped[1] ?? '', types);
    },
  };
}

/**
 * Parses Qwen3-Coder XML tool calls out of completion text (reasoning already removed).
 *
 * @example
 * parseQwen3CoderToolCalls('<tool_call>\n<function=add>\n<parameter=a>\n2\n</parameter>\n</function>\n</tool_call>')
 * // → { content: null, malformed: null, toolCalls: [{ id: 'call_…', name: 'add', arguments: '{"a":2}',
 * //     rawArguments: '\n<parameter=a>\n2\n</parameter>\n' }] }
 */
export function parseQwen3CoderToolCalls(
  text: string,
  options: { tools?: readonly ToolSpec[]; newToolCallId?: ToolCallIdFactory } = {},
): ToolParseResult {
  return extractToolCalls(text, createQwen3CoderDialect(options.tools), options.newToolCallId ?? createToolCallId);
}
