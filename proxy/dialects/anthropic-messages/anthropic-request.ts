import { isDeepStrictEqual } from 'node:util';
import { RollcallError } from '../../../src/errors/rollcall-error.ts';
import type { AnthropicBlock, AnthropicCountTokensRequest, AnthropicMessageParam, AnthropicRequest, AnthropicTool } from '../../../src/wire/anthropic-messages.ts';
import type { ChatMessage, ChatRequest, WireToolCall } from '../../../src/wire/openai-chat.ts';
import { assistantMessage } from '../chat-reply.ts';

/**
 * An Anthropic Messages request translated into the pipeline's chat request, once, at the edge
 * (the same mapping as vLLM's `entrypoints/anthropic/serving.py`, text only):
 *
 * - `system` (a string or text blocks, joined by "\n") becomes the first message;
 * - a user message's `tool_result` blocks become `tool` messages, in order, and its text blocks one
 *   user message after them (the API puts tool results first);
 * - an assistant message's text blocks become its content, `thinking` its reasoning and
 *   `tool_use` its tool calls, with the call's id and, for a call this rollout answered, the
 *   exact arguments text the proxy returned, so the history equals the reply the proxy produced
 *   and token mode continues that turn's ids;
 * - `tools` become function tools (`input_schema` → `parameters`), `tool_choice` any → required,
 *   tool → a named function, `stop_sequences` → `stop`; `max_tokens`, `temperature`, `top_p`,
 *   `top_k` keep their names. `metadata` and `thinking` are recorded, not sent.
 *
 * Images, documents and provider-defined or server-side tools have no text-model equivalent and
 * are refused with a registry error naming where they are.
 */

/** Tool calls the proxy answered with in this rollout, by id (the rollout's conversation index). */
export type KnownToolCalls = { toolCall(id: string): WireToolCall | undefined };

type Path = string;

/** Blocks of the API's server-side tools, which the provider itself ran. */
const isServerToolBlock = (type: string): boolean => type === 'server_tool_use' || type === 'mcp_tool_use' || type === 'container_upload' || (type !== 'tool_result' && type.endsWith('_tool_result'));

function refuseBlock(block: AnthropicBlock, path: Path): never {
  if (isServerToolBlock(block.type)) throw new RollcallError('RC_ERR_DIALECT_SERVER_TOOL', { path, kind: block.type }, { param: path });
  throw new RollcallError('RC_ERR_DIALECT_UNSUPPORTED_CONTENT', { path, kind: `a "${block.type}" block` }, { param: path });
}

const invalid = (path: Path, detail: string) => new RollcallError('RC_ERR_REQUEST_VALIDATION', { path, detail }, { param: path });

function textOf(block: AnthropicBlock, path: Path): string {
  if (block.type !== 'text') refuseBlock(block, path);
  if (typeof block.text !== 'string') throw invalid(`${path}.text`, 'a text block needs its text');
  return block.text;
}

function systemMessage(system: AnthropicRequest['system']): ChatMessage[] {
  if (system === undefined) return [];
  const content = typeof system === 'string' ? system : system.map((block, i) => textOf(block, `system.${i}`)).join('\n');
  return content === '' ? [] : [{ role: 'system', content }];
}

function toolResultText(block: AnthropicBlock, path: Path): string {
  const { content } = block;
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(`${path}.content`, 'must be a string or a list of blocks');
  return content.map((part: AnthropicBlock, i) => textOf(part, `${path}.content.${i}`)).join('\n');
}

function userMessages(message: AnthropicMessageParam, at: Path): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
  const tools: ChatMessage[] = [];
  const texts: string[] = [];
  message.content.forEach((block, i) => {
    const path = `${at}.content.${i}`;
    if (block.type === 'tool_result') {
      if (typeof block.tool_use_id !== 'string') throw invalid(`${path}.tool_use_id`, 'a tool_result names the tool_use it answers');
      tools.push({ role: 'tool', tool_call_id: block.tool_use_id, content: toolResultText(block, path) });
    } else {
      texts.push(textOf(block, path));
    }
  });
  return texts.length === 0 && tools.length > 0 ? tools : [...tools, { role: 'user', content: texts.join('\n') }];
}

/** The arguments text of a tool call: the proxy's own where this rollout answered it with this input. */
function argumentsText(known: KnownToolCalls, id: string, name: string, input: unknown): string {
  const answered = known.toolCall(id);
  if (answered !== undefined && answered.function.name === name) {
    try {
      if (isDeepStrictEqual(JSON.parse(answered.function.arguments), input)) return answered.function.arguments;
    } catch {
      // Arguments the proxy could not parse were never a tool_use input; fall through.
    }
  }
  return JSON.stringify(input ?? {});
}

function assistantTurn(message: AnthropicMessageParam, at: Path, known: KnownToolCalls): ChatMessage {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  const texts: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: WireToolCall[] = [];
  message.content.forEach((block, i) => {
    const path = `${at}.content.${i}`;
    if (block.type === 'thinking' && typeof block.thinking === 'string') reasoning.push(block.thinking);
    else if (block.type === 'redacted_thinking') return;
    else if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string') throw invalid(path, 'a tool_use block needs its id and name');
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: argumentsText(known, block.id, block.name, block.input) } });
    } else texts.push(textOf(block, path));
  });
  const content = texts.join('');
  const thought = reasoning.join('');
  return assistantMessage({ content: content === '' ? null : content, reasoning: thought === '' ? null : thought, toolCalls });
}

/** The chat messages of a Messages request: system first, then each message in order. */
export function anthropicChatMessages(body: AnthropicCountTokensRequest, known: KnownToolCalls): ChatMessage[] {
  const messages = systemMessage(body.system);
  body.messages.forEach((message, i) => {
    const at = `messages.${i}`;
    if (message.role === 'user') messages.push(...userMessages(message, at));
    else messages.push(assistantTurn(message, at, known));
  });
  return messages;
}

type ChatTool = NonNullable<ChatRequest['tools']>[number];

function chatTools(tools: readonly AnthropicTool[] | undefined): ChatTool[] | undefined {
  if (tools === undefined || tools.length === 0) return undefined;
  return tools.map((tool, i) => {
    const path = `tools.${i}`;
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') throw new RollcallError('RC_ERR_DIALECT_SERVER_TOOL', { path, kind: tool.type }, { param: path });
    if (tool.input_schema === undefined) throw invalid(`${path}.input_schema`, 'a tool needs its input_schema');
    return { type: 'function', function: { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), parameters: tool.input_schema } };
  });
}

function chatToolChoice(choice: AnthropicRequest['tool_choice']): Record<string, unknown> {
  if (choice === undefined) return {};
  const parallel = choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  if (choice.type === 'tool') {
    if (choice.name === undefined) throw invalid('tool_choice.name', 'tool_choice of type "tool" names the tool');
    return { tool_choice: { type: 'function', function: { name: choice.name } }, ...parallel };
  }
  return { tool_choice: choice.type === 'any' ? 'required' : choice.type, ...parallel };
}

function refuseServerSide(body: Record<string, unknown>): void {
  const servers = body['mcp_servers'];
  if (Array.isArray(servers) && servers.length > 0) throw new RollcallError('RC_ERR_DIALECT_SERVER_TOOL', { path: 'mcp_servers', kind: 'mcp_servers' }, { param: 'mcp_servers' });
}

/** A count_tokens body as the chat request whose prompt is counted. */
export function anthropicCountRequest(body: AnthropicCountTokensRequest, known: KnownToolCalls): ChatRequest {
  refuseServerSide(body);
  const tools = chatTools(body.tools);
  return { model: body.model, messages: anthropicChatMessages(body, known), ...(tools === undefined ? {} : { tools }) };
}

/** A Messages body as the pipeline's chat request. */
export function anthropicChatRequest(body: AnthropicRequest, known: KnownToolCalls): ChatRequest {
  refuseServerSide(body);
  const last = body.messages.length - 1;
  if (body.messages[last]?.role === 'assistant') {
    throw new RollcallError('RC_ERR_DIALECT_UNSUPPORTED_FIELD', { path: `messages.${last}`, detail: 'a final assistant message (a prefill of the answer) is not supported; the model always starts a new turn' }, { param: `messages.${last}` });
  }
  const tools = chatTools(body.tools);
  const optional = {
    ...(tools === undefined ? {} : { tools }),
    ...chatToolChoice(body.tool_choice),
    ...(body.stop_sequences === undefined || body.stop_sequences.length === 0 ? {} : { stop: body.stop_sequences }),
    ...(body.temperature === undefined ? {} : { temperature: body.temperature }),
    ...(body.top_p === undefined ? {} : { top_p: body.top_p }),
    ...(body.top_k === undefined ? {} : { top_k: body.top_k }),
    ...(body.stream === true ? { stream: true } : {}),
  };
  return { model: body.model, messages: anthropicChatMessages(body, known), max_tokens: body.max_tokens, ...optional };
}
