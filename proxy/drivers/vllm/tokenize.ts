import { RollcallError } from '../../../src/errors/rollcall-error.ts';
import type { ChatRequest } from '../../../src/wire/openai-chat.ts';
import type { EngineHttp, PromptCount, RenderRequest } from '../driver-types.ts';
import { engineJson, isIdArray, isRecord } from '../engine-json.ts';

/**
 * Rendering through vLLM's `/tokenize` chat form (`vllm/entrypoints/serve/tokenize/`): the same template
 * preprocessing as a chat completion, so identical messages and tools give the same ids the
 * chat endpoint would use as `prompt_token_ids`.
 */
export async function renderWithEngine(http: EngineHttp, request: RenderRequest, signal: AbortSignal): Promise<number[]> {
  const body: Record<string, unknown> = {
    messages: request.messages,
    add_generation_prompt: request.addGenerationPrompt,
    add_special_tokens: false,
  };
  if (request.tools !== undefined && request.tools !== null) body.tools = request.tools;
  if (request.chatTemplateKwargs !== undefined) body.chat_template_kwargs = request.chatTemplateKwargs;
  return readTokens(await engineJson(http, 'POST', '/tokenize', body, signal));
}

export async function tokenizeTextWithEngine(http: EngineHttp, text: string, signal: AbortSignal): Promise<number[]> {
  return readTokens(await engineJson(http, 'POST', '/tokenize', { prompt: text, add_special_tokens: false }, signal));
}

/** Chat-request fields that change the rendered prompt, all of which `/tokenize`'s chat form takes. */
const PROMPT_FIELDS = ['model', 'messages', 'tools', 'chat_template', 'chat_template_kwargs', 'add_generation_prompt', 'continue_final_message', 'add_special_tokens', 'documents', 'mm_processor_kwargs'] as const;

/**
 * The prompt length of a chat request, counted by the same preprocessing the chat endpoint runs
 * (the `/tokenize` chat form), for an explicit completion budget in chat pass-through.
 */
export async function countChatPrompt(http: EngineHttp, request: ChatRequest, signal: AbortSignal): Promise<PromptCount> {
  const body: Record<string, unknown> = {};
  for (const field of PROMPT_FIELDS) if (request[field] !== undefined && request[field] !== null) body[field] = request[field];
  const answer = await engineJson(http, 'POST', '/tokenize', body, signal);
  const tokens = readTokens(answer);
  return { count: isRecord(answer) && typeof answer.count === 'number' ? answer.count : tokens.length, promptIds: null };
}

function readTokens(answer: unknown): number[] {
  if (isRecord(answer) && isIdArray(answer.tokens)) return answer.tokens;
  throw new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: '/tokenize answered without a tokens array' });
}
