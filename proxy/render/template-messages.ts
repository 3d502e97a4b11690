import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { ChatMessage } from '../../src/wire/openai-chat.ts';

/**
 * The messages a chat template sees, prepared the way vLLM prepares them before templating
 * (`vllm/entrypoints/chat_utils.py`), so that a local render agrees with one through vLLM's
 * `/tokenize` for the same request:
 *
 * - assistant `tool_calls[].function.arguments` arrive as JSON strings and are parsed into
 *   objects (`_postprocess_messages`; an empty or missing one becomes `{}`), so templates print
 *   them with `tojson` as they expect. transformers would pass the string through and `tojson`
 *   would quote it. A string that does not parse is refused, as vLLM answers 400;
 * - `content: null` (or missing) becomes `""`, and a list of text parts becomes their texts
 *   joined with "\n" ("string" content format), unless the template itself loops over parts;
 * - an assistant `reasoning` is copied to `reasoning_content` when that is absent (vLLM does so
 *   for interleaved thinking, #33635), since Qwen3-style templates read `reasoning_content`.
 *
 * Every other key passes as given, as transformers hands templates whole message objects.
 */
export function templateMessages(messages: readonly ChatMessage[], takesContentParts: boolean): Record<string, unknown>[] {
  return messages.map((message, i) => {
    const prepared: Record<string, unknown> = { ...message, content: templateContent(message.content, takesContentParts, i) };
    if (message.role === 'assistant') {
      if (Array.isArray(message.tool_calls)) prepared.tool_calls = message.tool_calls.map((call, j) => withParsedArguments(call, i, j));
      if (typeof message.reasoning === 'string' && typeof message.reasoning_content !== 'string') prepared.reasoning_content = message.reasoning;
    }
    return prepared;
  });
}

function templateContent(content: ChatMessage['content'], takesContentParts: boolean, index: number): unknown {
  if (content === null || content === undefined) return takesContentParts ? [] : '';
  if (typeof content === 'string' || takesContentParts) return content;
  return content
    .map((part, j) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text;
      throw invalid(`messages[${index}].content[${j}]`, `a "${part.type}" part cannot be rendered by a text-only chat template`);
    })
    .join('\n');
}

type ToolCall = NonNullable<ChatMessage['tool_calls']>[number];

function withParsedArguments(call: ToolCall, i: number, j: number): Record<string, unknown> {
  const source: unknown = call.function.arguments;
  if (typeof source !== 'string') return { ...call, function: { ...call.function, arguments: source ?? {} } };
  let parsed: unknown = {};
  if (source !== '') {
    try {
      parsed = JSON.parse(source);
    } catch (cause) {
      throw invalid(`messages[${i}].tool_calls[${j}].function.arguments`, `not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`, cause);
    }
  }
  return { ...call, function: { ...call.function, arguments: parsed } };
}

function invalid(path: string, detail: string, cause?: unknown): RollcallError {
  return new RollcallError('RC_ERR_REQUEST_VALIDATION', { path, detail }, { param: path, ...(cause === undefined ? {} : { cause }) });
}
