/**
 * A minimal OpenAI-compatible chat client for auxiliary models (LLM judges), on global `fetch`.
 *
 * Retry policy: a network error, a timeout, HTTP 429 or any 5xx is retried up to `maxRetries`
 * times, waiting `retryDelayMs · 2^attempt` between tries; any other 4xx fails at once
 * (`RC_ERR_JUDGE_LLM_REJECTED`: retrying a bad key or model name cannot help). When every try
 * failed the error is `RC_ERR_JUDGE_LLM_UNAVAILABLE` with the last failure as `cause`. The API
 * key never appears in an error message.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { judgeError } from './judge-errors.ts';
import type { AuxiliaryModel } from './judge-types.ts';
import type { ChatMessage } from './llm-judge-prompt.ts';

export type ChatRequestOptions = {
  maxTokens: number;
  maxRetries: number;
  retryDelayMs: number;
  timeoutMs: number;
};

type Attempt = { content: string } | { retryReason: string; cause?: unknown };

export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

function readContent(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || !('choices' in body)) return null;
  const choices = body.choices;
  if (!Array.isArray(choices)) return null;
  const first: unknown = choices[0];
  if (typeof first !== 'object' || first === null || !('message' in first)) return null;
  const message = first.message;
  if (typeof message !== 'object' || message === null || !('content' in message)) return null;
  return typeof message.content === 'string' ? message.content : null;
}

async function attempt(
  url: string,
  model: AuxiliaryModel,
  messages: ChatMessage[],
  options: ChatRequestOptions,
): Promise<Attempt> {
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${model.apiKey}` },
      body: JSON.stringify({
        model: model.model,
        messages,
        temperature: 0,
        max_tokens: options.maxTokens,
      }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    status = response.status;
    text = await response.text(); // inside the try: a reset mid-body is as retryable as one before
  } catch (error) {
    return { retryReason: `request failed (${(error as Error).message})`, cause: error };
  }
  if (status === 429 || status >= 500) {
    return { retryReason: `HTTP ${status}: ${text.slice(0, 200)}` };
  }
  if (status < 200 || status >= 300) {
    throw judgeError(
      'RC_ERR_JUDGE_LLM_REJECTED',
      `judge model "${model.model}" at ${url} answered HTTP ${status}: ${text.slice(0, 200)}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw judgeError('RC_ERR_JUDGE_LLM_BAD_RESPONSE', `judge model at ${url} sent invalid JSON`, error);
  }
  const content = readContent(body);
  if (content === null) {
    throw judgeError(
      'RC_ERR_JUDGE_LLM_BAD_RESPONSE',
      `judge model at ${url} sent no choices[0].message.content: ${text.slice(0, 200)}`,
    );
  }
  return { content };
}

/** POSTs `{baseUrl}/chat/completions` at temperature 0 and returns the reply text. */
export async function requestChatCompletion(
  model: AuxiliaryModel,
  messages: ChatMessage[],
  options: ChatRequestOptions,
): Promise<string> {
  const url = chatCompletionsUrl(model.baseUrl);
  let last: Attempt = { retryReason: 'no attempt made' };
  for (let tryIndex = 0; tryIndex <= options.maxRetries; tryIndex++) {
    if (tryIndex > 0) await sleep(options.retryDelayMs * 2 ** (tryIndex - 1));
    last = await attempt(url, model, messages, options);
    if ('content' in last) return last.content;
  }
  const reason = 'retryReason' in last ? last.retryReason : 'unknown';
  throw judgeError(
    'RC_ERR_JUDGE_LLM_UNAVAILABLE',
    `judge model "${model.model}" at ${url} failed after ${options.maxRetries + 1} tries; last: ${reason}`,
    'cause' in last ? last.cause : undefined,
  );
}
