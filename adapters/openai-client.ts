import OpenAI from 'openai';
import type { ModelHandle } from './rollout-handle.ts';

/**
 * An `openai` SDK client bound to a rollout. Retries are on (the proxy marks what a retry can
 * fix with `x-should-retry`).
 *
 * @example
 * const client = openaiClient(input);
 * const reply = await client.chat.completions.create({ model: input.model, messages });
 */
export function openaiClient(handle: ModelHandle, options: { maxRetries?: number; timeoutMs?: number } = {}): OpenAI {
  return new OpenAI({ baseURL: handle.baseUrl, apiKey: handle.apiKey, maxRetries: options.maxRetries ?? 2, timeout: options.timeoutMs ?? 600_000 });
}
