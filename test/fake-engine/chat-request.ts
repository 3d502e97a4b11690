/**
 * `/v1/chat/completions` up to generation: validation in vLLM's order (model, request validators,
 * messages, template, context length), rendering with the chat template, tokenizing, generating.
 * Everything that can fail fails here, before a stream opens. The prompt rendering is shared with
 * the chat form of `/tokenize`, so both always agree on `prompt_token_ids`.
 */
import { normalizeMessages, normalizeTools } from './chat-messages.ts';
import { renderChatTemplate } from './chat-template.ts';
import { type EngineContext, responseId, unixSeconds } from './engine-context.ts';
import { badRequest } from './errors.ts';
import type { GeneratedChoice } from './generator.ts';
import {
  checkLogprobCount,
  checkModel,
  type JsonObject,
  optionalBool,
  optionalInt,
  readSampling,
  readIdFlags,
  readOutputOptions,
  readStreamFlags,
  requireObject,
  resolveMaxTokens,
} from './request-params.ts';

export interface ChatPrompt {
  text: string;
  ids: number[];
  /** Tools are in the request and `tool_choice` is not "none": the hermes parser runs. */
  toolsActive: boolean;
  /** `tool_choice` names a function: a parsed call then finishes with "stop", not "tool_calls". */
  namedToolChoice: boolean;
}

export interface PreparedChat {
  id: string;
  created: number;
  prompt: ChatPrompt;
  choices: GeneratedChoice[];
  /** `top_logprobs` when `logprobs: true`, else null (no logprobs at all). */
  topLogprobs: number | null;
  returnTokenIds: boolean;
  asTokenIds: boolean;
  stream: boolean;
  includeUsage: boolean;
}

function readToolChoice(body: JsonObject, hasTools: boolean): { active: boolean; named: boolean } {
  const choice = body['tool_choice'];
  if (choice === null || choice === undefined) return { active: hasTools, named: false };
  if (choice === 'none') return { active: false, named: false };
  if (!hasTools) throw badRequest('When using `tool_choice`, `tools` must be set.', 'tool_choice');
  if (choice === 'auto' || choice === 'required') return { active: true, named: false };
  if (typeof choice === 'object') return { active: true, named: true };
  throw badRequest(`Invalid tool_choice: ${String(choice)}`, 'tool_choice');
}

/** Renders and tokenizes a chat prompt; used by chat completions and `/tokenize`. */
export function renderChatPrompt(ctx: EngineContext, body: JsonObject): ChatPrompt {
  const messages = normalizeMessages(body['messages']);
  const tools = normalizeTools(body['tools']);
  const toolChoice = readToolChoice(body, tools !== null && tools.length > 0);
  const addGenerationPrompt = optionalBool(body, 'add_generation_prompt') ?? true;
  const continueFinalMessage = optionalBool(body, 'continue_final_message') ?? false;
  if (continueFinalMessage && addGenerationPrompt) {
    throw badRequest('Cannot set both `continue_final_message` and `add_generation_prompt` to True.');
  }
  const kwargs = body['chat_template_kwargs'];
  const enableThinking =
    typeof kwargs === 'object' && kwargs !== null ? (kwargs as JsonObject)['enable_thinking'] : undefined;
  const text = renderChatTemplate(messages, tools, {
    variant: ctx.config.templateVariant,
    addGenerationPrompt,
    continueFinalMessage,
    enableThinking: typeof enableThinking === 'boolean' ? enableThinking : undefined,
  });
  return { text, ids: ctx.tokenizer.encode(text), toolsActive: toolChoice.active, namedToolChoice: toolChoice.named };
}

function readTopLogprobs(body: JsonObject): number | null {
  const logprobs = optionalBool(body, 'logprobs') ?? false;
  const top = optionalInt(body, 'top_logprobs');
  if (top !== null && top < 0 && top !== -1) {
    throw badRequest('`top_logprobs` must be a positive value or -1.', 'top_logprobs');
  }
  if (top !== null && top !== 0 && !logprobs) {
    throw badRequest('when using `top_logprobs`, `logprobs` must be set to true.', 'top_logprobs');
  }
  return logprobs ? checkLogprobCount(top ?? 0, 'top_logprobs') : null;
}

export function prepareChat(ctx: EngineContext, rawBody: unknown, headerRequestId?: string): PreparedChat {
  const body = requireObject(rawBody);
  checkModel(body, ctx);
  const streamFlags = readStreamFlags(body);
  const topLogprobs = readTopLogprobs(body);
  const sampling = readSampling(body);
  if (body['prompt_logprobs'] !== null && body['prompt_logprobs'] !== undefined) {
    throw badRequest('fake engine: prompt_logprobs is not supported', 'prompt_logprobs');
  }
  const prompt = renderChatPrompt(ctx, body);
  const maxCompletion = optionalInt(body, 'max_completion_tokens');
  const requested = maxCompletion ?? optionalInt(body, 'max_tokens');
  const param = maxCompletion !== null ? 'max_completion_tokens' : 'max_tokens';
  const maxTokens = resolveMaxTokens(prompt.ids.length, requested, ctx.config.maxModelLen, param);
  const output = readOutputOptions(body);
  const choices = ctx.generator.generate(prompt.ids, prompt.text, {
    ...sampling,
    maxTokens,
    ...output,
    // The hermes parser turns skip_special_tokens off so that tool-call tags reach it.
    skipSpecialTokens: prompt.toolsActive ? false : output.skipSpecialTokens,
    alternatives: topLogprobs ?? 0,
  });
  return {
    id: responseId('chatcmpl', headerRequestId, body['request_id']),
    created: unixSeconds(),
    prompt,
    choices,
    topLogprobs,
    ...readIdFlags(body),
    stream: streamFlags.stream,
    includeUsage: streamFlags.includeUsage,
  };
}
