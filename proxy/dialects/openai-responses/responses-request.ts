import { RollcallError } from '../../../src/errors/rollcall-error.ts';
import type { ChatMessage, ChatRequest, WireToolCall } from '../../../src/wire/openai-chat.ts';
import type { ResponsesInputItem, ResponsesRequest } from '../../../src/wire/openai-responses.ts';
import { assistantMessage } from '../chat-reply.ts';

/**
 * An OpenAI Responses request translated into the pipeline's chat request, once, at the edge:
 *
 * - `instructions` becomes the first (system) message; it belongs to this request only, so a
 *   chain continued by `previous_response_id` gets the new request's instructions, not the old;
 * - the chain's history (see previous-response.ts) follows, then `input`: a string is one user
 *   message; message items keep their role (`developer` → system); each run of assistant-side
 *   items (reasoning, an assistant message, function calls) is one assistant message with that
 *   text, reasoning and tool calls (`call_id` → the tool call's id, `arguments` as sent), exactly
 *   the reply the proxy produced, so token mode continues that turn's ids; a
 *   `function_call_output` is a tool message;
 * - function `tools`, `tool_choice`, `parallel_tool_calls`, `temperature`, `top_p` keep their
 *   meaning; `max_output_tokens` → `max_tokens`; `text.format` → `response_format`.
 *
 * Images, files, hosted tools and items that only live on OpenAI's servers (`item_reference`,
 * conversations, background runs) are refused with a registry error naming where they are.
 */

const invalid = (path: string, detail: string) => new RollcallError('RC_ERR_REQUEST_VALIDATION', { path, detail }, { param: path });
const unsupported = (path: string, detail: string) => new RollcallError('RC_ERR_DIALECT_UNSUPPORTED_FIELD', { path, detail }, { param: path });

type Part = { type?: unknown; text?: unknown };

/** The text of a message's content: a string, or text parts joined (by "\n" between user parts, as one text for the assistant's). */
function contentText(content: unknown, path: string, joiner: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(`${path}.content`, 'must be a string or a list of content parts');
  return (content as Part[])
    .map((part, i) => {
      const at = `${path}.content.${i}`;
      if ((part.type === 'input_text' || part.type === 'output_text') && typeof part.text === 'string') return part.text;
      throw new RollcallError('RC_ERR_DIALECT_UNSUPPORTED_CONTENT', { path: at, kind: `a "${String(part.type)}" part` }, { param: at });
    })
    .join(joiner);
}

const str = (item: Record<string, unknown>, key: string, path: string): string => {
  const value = item[key];
  if (typeof value !== 'string') throw invalid(`${path}.${key}`, `a ${String(item['type'])} item needs its ${key}`);
  return value;
};

/** One assistant turn as the items of its output carry it. */
class AssistantRun {
  private texts: string[] = [];
  private reasoning: string[] = [];
  private toolCalls: WireToolCall[] = [];
  private open = false;

  text(value: string): void {
    this.texts.push(value);
    this.open = true;
  }

  thought(item: ResponsesInputItem): void {
    const content = Array.isArray(item['content']) ? (item['content'] as Part[]) : [];
    this.reasoning.push(...content.flatMap((part) => (typeof part.text === 'string' ? [part.text] : [])));
    this.open = true;
  }

  call(item: ResponsesInputItem, path: string): void {
    this.toolCalls.push({ id: str(item, 'call_id', path), type: 'function', function: { name: str(item, 'name', path), arguments: str(item, 'arguments', path) } });
    this.open = true;
  }

  /** The run as one assistant message (none when it is empty), and a fresh run after it. */
  flush(into: ChatMessage[]): void {
    if (!this.open) return;
    const text = this.texts.join('');
    const reasoning = this.reasoning.join('');
    into.push(assistantMessage({ content: text === '' ? null : text, reasoning: reasoning === '' ? null : reasoning, toolCalls: this.toolCalls }));
    this.texts = [];
    this.reasoning = [];
    this.toolCalls = [];
    this.open = false;
  }
}

function toolOutput(item: ResponsesInputItem, path: string): ChatMessage {
  const output = item['output'];
  return { role: 'tool', tool_call_id: str(item, 'call_id', path), content: typeof output === 'string' ? output : contentText(output, path, '\n') };
}

function inputMessage(item: ResponsesInputItem, path: string): ChatMessage {
  const role = item.role;
  if (role !== 'user' && role !== 'system' && role !== 'developer') throw invalid(`${path}.role`, 'must be user, system, developer or assistant');
  return { role: role === 'developer' ? 'system' : role, content: contentText(item['content'], path, '\n') };
}

function refuseItem(type: string, path: string): never {
  if (type === 'item_reference') throw unsupported(path, 'item references need items stored on OpenAI; send the items themselves, or continue with previous_response_id');
  if (/_call(_output)?$/.test(type) || type.startsWith('mcp_')) throw new RollcallError('RC_ERR_DIALECT_SERVER_TOOL', { path, kind: type }, { param: path });
  throw unsupported(path, `items of type "${type}" are not supported`);
}

/** The chat messages of `input`, in order. */
export function responsesInputMessages(input: ResponsesRequest['input']): ChatMessage[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const messages: ChatMessage[] = [];
  const run = new AssistantRun();
  input.forEach((item, i) => {
    const path = `input.${i}`;
    const type = item.type ?? 'message';
    if (type === 'message' && item.role === 'assistant') return run.text(contentText(item['content'], path, ''));
    if (type === 'reasoning') return run.thought(item);
    if (type === 'function_call') return run.call(item, path);
    run.flush(messages);
    if (type === 'message') messages.push(inputMessage(item, path));
    else if (type === 'function_call_output') messages.push(toolOutput(item, path));
    else refuseItem(type, path);
  });
  run.flush(messages);
  return messages;
}

/** The system message `instructions` gives (none when absent or empty). */
export function instructionsMessage(body: Pick<ResponsesRequest, 'instructions'>): ChatMessage | null {
  return typeof body.instructions === 'string' && body.instructions !== '' ? { role: 'system', content: body.instructions } : null;
}

type ChatTool = NonNullable<ChatRequest['tools']>[number];

function chatTools(tools: ResponsesRequest['tools']): ChatTool[] | undefined {
  if (tools === undefined || tools === null || tools.length === 0) return undefined;
  return tools.map((tool, i) => {
    const path = `tools.${i}`;
    if (tool.type !== 'function') throw new RollcallError('RC_ERR_DIALECT_SERVER_TOOL', { path, kind: tool.type }, { param: path });
    if (tool.name === undefined) throw invalid(`${path}.name`, 'a function tool needs its name');
    const { name, description, parameters, strict } = tool;
    return { type: 'function', function: { name, ...(description == null ? {} : { description }), ...(parameters == null ? {} : { parameters }), ...(strict == null ? {} : { strict }) } };
  });
}

function chatToolChoice(choice: ResponsesRequest['tool_choice']): Record<string, unknown> {
  if (choice === undefined || choice === null) return {};
  if (typeof choice === 'string') return { tool_choice: choice };
  if (choice.type === 'function' && typeof choice.name === 'string') return { tool_choice: { type: 'function', function: { name: choice.name } } };
  throw unsupported('tool_choice', `a tool_choice of type "${choice.type}" is not supported; use auto, none, required or a function`);
}

function responseFormat(text: ResponsesRequest['text']): Record<string, unknown> {
  const format = text?.format;
  if (format === undefined || format.type === 'text') return {};
  if (format.type === 'json_object') return { response_format: { type: 'json_object' } };
  if (format.type === 'json_schema') {
    const { type: _type, ...schema } = format;
    return { response_format: { type: 'json_schema', json_schema: schema } };
  }
  throw unsupported('text.format', `a text format of type "${format.type}" is not supported`);
}

function refuseServerSide(body: ResponsesRequest): void {
  if (body.background === true) throw unsupported('background', 'background responses are not supported; call without background');
  for (const key of ['conversation', 'prompt'] as const) {
    if (body[key] !== undefined && body[key] !== null) throw unsupported(key, `"${key}" needs state stored on OpenAI; send the input items, or continue with previous_response_id`);
  }
}

/** A Responses body as the pipeline's chat request, after the history its previous response left. */
export function responsesChatRequest(body: ResponsesRequest, history: readonly ChatMessage[]): ChatRequest {
  refuseServerSide(body);
  const instructions = instructionsMessage(body);
  const messages = [...(instructions === null ? [] : [instructions]), ...history, ...responsesInputMessages(body.input)];
  if (messages.length === 0) throw invalid('input', 'a response needs input (or a previous_response_id)');
  const tools = chatTools(body.tools);
  return {
    ...(body.model === undefined ? {} : { model: body.model }),
    messages,
    ...(tools === undefined ? {} : { tools }),
    ...chatToolChoice(body.tool_choice),
    ...(body.parallel_tool_calls == null ? {} : { parallel_tool_calls: body.parallel_tool_calls }),
    ...(body.max_output_tokens == null ? {} : { max_tokens: body.max_output_tokens }),
    ...(body.temperature == null ? {} : { temperature: body.temperature }),
    ...(body.top_p == null ? {} : { top_p: body.top_p }),
    ...responseFormat(body.text),
    ...(body.stream === true ? { stream: true } : {}),
  };
}
