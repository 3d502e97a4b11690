/**
 * `/v1/completions` `prompt` in all four of vLLM's forms — `str`, `list[str]`, `list[int]`,
 * `list[list[int]]` — as token-id prompts. A token array is used verbatim; ids the tokenizer does
 * not know are a 400 ("Token id N is out of vocabulary", as vLLM's input processor says), since the
 * fake cannot decode them.
 */
import { badRequest } from './errors.ts';
import type { FakeTokenizer } from './tokenizer.ts';

export interface CompletionPrompt {
  ids: number[];
  /** The decoded prompt, specials included: what scripts are matched against. */
  text: string;
}

function isIdList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((id) => typeof id === 'number' && Number.isInteger(id));
}

function tokenPrompt(tokenizer: FakeTokenizer, ids: number[]): CompletionPrompt {
  if (ids.length === 0) throw badRequest('The decoder prompt cannot be empty');
  const negative = ids.find((id) => id < 0);
  if (negative !== undefined) throw badRequest(`Token id ${negative} is out of vocabulary`, 'prompt');
  const unknown = ids.find((id) => !tokenizer.isValidId(id));
  if (unknown !== undefined) throw badRequest(`Token id ${unknown} is out of vocabulary`);
  return { ids, text: tokenizer.decode(ids) };
}

function textPrompt(tokenizer: FakeTokenizer, text: string): CompletionPrompt {
  // cl100k has no BOS, so `add_special_tokens` changes nothing here.
  return tokenPrompt(tokenizer, tokenizer.encode(text));
}

export function readCompletionPrompts(tokenizer: FakeTokenizer, prompt: unknown): CompletionPrompt[] {
  if (prompt === null || prompt === undefined || prompt === '') {
    throw badRequest('Either prompt or prompt_embeds must be provided and non-empty.', 'prompt');
  }
  if (typeof prompt === 'string') return [textPrompt(tokenizer, prompt)];
  if (isIdList(prompt)) return [tokenPrompt(tokenizer, prompt)];
  if (Array.isArray(prompt) && prompt.every((item) => typeof item === 'string')) {
    return (prompt as string[]).map((text) => textPrompt(tokenizer, text));
  }
  if (Array.isArray(prompt) && prompt.every(isIdList)) {
    return (prompt as number[][]).map((ids) => tokenPrompt(tokenizer, ids));
  }
  throw badRequest('prompt must be a string, a list of strings, a list of token ids or a list of lists of token ids', 'prompt');
}
