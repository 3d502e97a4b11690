/**
 * `POST /tokenize` and `POST /detokenize` (vllm/entrypoints/serve/tokenize/). The chat form of
 * `/tokenize` goes through the same rendering as `/v1/chat/completions`, so identical `messages`,
 * `tools` and `chat_template_kwargs` give exactly that call's `prompt_token_ids`.
 */
import { renderChatPrompt } from './chat-request.ts';
import type { EngineContext } from './engine-context.ts';
import { badRequest } from './errors.ts';
import { checkModel, optionalBool, requireObject } from './request-params.ts';

export interface TokenizeBody {
  count: number;
  max_model_len: number;
  tokens: number[];
  token_strs: string[] | null;
}

export function tokenizeBody(ctx: EngineContext, rawBody: unknown): TokenizeBody {
  const body = requireObject(rawBody);
  checkModel(body, ctx);
  let tokens: number[];
  if (body['messages'] !== undefined) {
    tokens = renderChatPrompt(ctx, body).ids;
  } else {
    const prompt = body['prompt'];
    if (typeof prompt !== 'string') throw badRequest('prompt must be a string', 'prompt');
    tokens = ctx.tokenizer.encode(prompt);
  }
  const withStrings = optionalBool(body, 'return_token_strs') ?? false;
  return {
    count: tokens.length,
    max_model_len: ctx.config.maxModelLen,
    tokens,
    token_strs: withStrings ? tokens.map((id) => ctx.tokenizer.decodeToken(id)) : null,
  };
}

export function detokenizeBody(ctx: EngineContext, rawBody: unknown): { prompt: string } {
  const body = requireObject(rawBody);
  checkModel(body, ctx);
  const tokens = body['tokens'];
  if (!Array.isArray(tokens) || !tokens.every((id) => typeof id === 'number' && Number.isInteger(id))) {
    throw badRequest('tokens must be a list of integers', 'tokens');
  }
  const unknown = (tokens as number[]).find((id) => !ctx.tokenizer.isValidId(id));
  if (unknown !== undefined) throw badRequest(`Token id ${unknown} is out of vocabulary`, 'tokens');
  // HF `decode` defaults to skip_special_tokens=False: `<|im_end|>` stays in the text.
  return { prompt: ctx.tokenizer.decode(tokens as number[]) };
}
