/**
 * The fake model's chat template, a TypeScript transcription of the Qwen ChatML templates (as
 * copied in huggingface/trl `trl/chat_template_utils.py`), in two variants:
 *
 * - `qwen25` — Qwen2.5's layout (default system prompt when none is given) plus assistant reasoning
 *   rendered back as `<think>\n…\n</think>\n\n` on every turn. Re-rendering a conversation gives the
 *   previous prompt + the ids the model generated: **prefix-preserving** (when the model wrote its
 *   arguments with `json.dumps` separators, as scripted replies do).
 * - `qwen3` — Qwen3's template: reasoning of assistant turns before the last real user query is
 *   **dropped**, later ones are rendered, `enable_thinking: false` appends an empty think block to
 *   the generation prompt. Deliberately **not prefix-preserving** ("drift").
 *
 * Both print tools and tool-call arguments with `tojson` (Python `json.dumps`, ", " / ": "), and
 * merge consecutive `tool` messages into one user turn of `<tool_response>` blocks.
 */
import type { TemplateMessage, TemplateTool } from './chat-messages.ts';
import { badRequest } from './errors.ts';
import { pyJsonDumps } from './py-json.ts';

export type TemplateVariant = 'qwen25' | 'qwen3';

export interface ChatTemplateOptions {
  variant: TemplateVariant;
  addGenerationPrompt: boolean;
  continueFinalMessage: boolean;
  /** `chat_template_kwargs.enable_thinking`; only `false` changes anything (qwen3). */
  enableThinking?: boolean | undefined;
}

const QWEN25_DEFAULT_SYSTEM = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';
const TOOLS_HEADER =
  '# Tools\n\nYou may call one or more functions to assist with the user query.\n\n' +
  'You are provided with function signatures within <tools></tools> XML tags:\n<tools>';
const TOOLS_FOOTER =
  '\n</tools>\n\nFor each function call, return a json object with function name and arguments ' +
  'within <tool_call></tool_call> XML tags:\n<tool_call>\n' +
  '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n';

const stripNewlines = (text: string): string => text.replace(/^\n+|\n+$/g, '');
const lstripNewlines = (text: string): string => text.replace(/^\n+/, '');
const rstripNewlines = (text: string): string => text.replace(/\n+$/, '');

function thinkBlock(reasoning: string, content: string): string {
  return `<think>\n${stripNewlines(reasoning)}\n</think>\n\n${lstripNewlines(content)}`;
}

function renderSystem(messages: readonly TemplateMessage[], tools: readonly TemplateTool[] | null, variant: TemplateVariant): string {
  const first = messages[0];
  const system = first?.role === 'system' ? (first.content ?? '') : null;
  if (tools !== null && tools.length > 0) {
    let out = '<|im_start|>system\n';
    if (variant === 'qwen25') out += `${system ?? QWEN25_DEFAULT_SYSTEM}\n\n`;
    else if (system !== null) out += `${system}\n\n`;
    return `${out}${TOOLS_HEADER}${tools.map((tool) => `\n${pyJsonDumps(tool)}`).join('')}${TOOLS_FOOTER}`;
  }
  if (system !== null) return `<|im_start|>system\n${system}<|im_end|>\n`;
  return variant === 'qwen25' ? `<|im_start|>system\n${QWEN25_DEFAULT_SYSTEM}<|im_end|>\n` : '';
}

/** Qwen3's `ns.last_query_index`: the last user message that is not a wrapped tool response. */
function lastQueryIndex(messages: readonly TemplateMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (message?.role !== 'user' || message.content === null) continue;
    const text = message.content;
    if (!(text.startsWith('<tool_response>') && text.endsWith('</tool_response>'))) return i;
  }
  return messages.length - 1;
}

function renderToolCalls(message: TemplateMessage, content: string): string {
  return message.toolCalls
    .map((call, i) => {
      const lead = (i === 0 && content !== '') || i > 0 ? '\n' : '';
      return `${lead}<tool_call>\n{"name": "${call.name}", "arguments": ${pyJsonDumps(call.arguments)}}\n</tool_call>`;
    })
    .join('');
}

/**
 * The assistant turn's text before its tool calls, per variant, and the bare content that decides
 * whether the first `<tool_call>` gets a leading "\n".
 */
function assistantBody(
  message: TemplateMessage,
  index: number,
  isLast: boolean,
  lastQuery: number,
  variant: TemplateVariant,
): { body: string; content: string } {
  let content = message.content ?? '';
  let reasoning = message.reasoning ?? '';
  if (variant === 'qwen25') {
    return { body: reasoning !== '' ? thinkBlock(reasoning, content) : content, content };
  }
  if (message.reasoning === null && content.includes('</think>')) {
    const parts = content.split('</think>');
    reasoning = lstripNewlines(rstripNewlines(parts[0] ?? '').split('<think>').at(-1) ?? '');
    content = lstripNewlines(parts.at(-1) ?? '');
  }
  if (index > lastQuery && (isLast || reasoning !== '')) {
    return { body: thinkBlock(reasoning, content), content };
  }
  return { body: content, content };
}

function renderMessages(messages: readonly TemplateMessage[], variant: TemplateVariant): string {
  const lastQuery = lastQueryIndex(messages);
  let out = '';
  messages.forEach((message, i) => {
    const content = message.content ?? '';
    if (message.role === 'user' || (message.role === 'system' && i > 0)) {
      out += `<|im_start|>${message.role}\n${content}<|im_end|>\n`;
    } else if (message.role === 'assistant') {
      const turn = assistantBody(message, i, i === messages.length - 1, lastQuery, variant);
      out += `<|im_start|>assistant\n${turn.body}${renderToolCalls(message, turn.content)}<|im_end|>\n`;
    } else if (message.role === 'tool') {
      if (messages[i - 1]?.role !== 'tool') out += '<|im_start|>user';
      out += `\n<tool_response>\n${content}\n</tool_response>`;
      if (messages[i + 1]?.role !== 'tool') out += '<|im_end|>\n';
    }
    // Other roles (developer, function) match no branch of the Qwen templates and vanish.
  });
  return out;
}

/** transformers' `continue_final_message`: cut the text right after the final message's content. */
function continueFinal(rendered: string, messages: readonly TemplateMessage[]): string {
  const final = (messages.at(-1)?.content ?? '').trim();
  const at = rendered.lastIndexOf(final);
  if (at === -1) {
    throw badRequest('continue_final_message is set but the final message does not appear in the chat after applying the chat template!');
  }
  return rendered.slice(0, at + final.length);
}

/** Renders the prompt text exactly as the fake engine tokenizes it for `/v1/chat/completions`. */
export function renderChatTemplate(
  messages: readonly TemplateMessage[],
  tools: readonly TemplateTool[] | null,
  options: ChatTemplateOptions,
): string {
  const rendered = renderSystem(messages, tools, options.variant) + renderMessages(messages, options.variant);
  if (options.continueFinalMessage) return continueFinal(rendered, messages);
  if (!options.addGenerationPrompt) return rendered;
  const emptyThink = options.variant === 'qwen3' && options.enableThinking === false;
  return `${rendered}<|im_start|>assistant\n${emptyThink ? '<think>\n\n</think>\n\n' : ''}`;
}
