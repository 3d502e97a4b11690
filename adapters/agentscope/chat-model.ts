import type { ModelHandle } from '../rollout-handle.ts';
import type { Msg } from './memory.ts';
import type { ToolSchema } from './toolkit.ts';

/** What the ReAct agent needs from a model: one chat call with tools. */
export type ChatModel = {
  chat(messages: Msg[], tools: ToolSchema[], signal?: AbortSignal): Promise<Msg>;
};

/**
 * An OpenAI-compatible chat model over plain `fetch`, bound to a rollout handle: the
 * AgentScope-style agent's model handle. Retries what the proxy marks as retryable
 * (`x-should-retry: true`), twice.
 *
 * @example
 * const agent = new ReActAgent({ name: 'solver', sysPrompt, model: rolloutChatModel(input), toolkit });
 */
export function rolloutChatModel(handle: ModelHandle, options: { maxRetries?: number; extra?: Record<string, unknown> } = {}): ChatModel {
  const maxRetries = options.maxRetries ?? 2;
  return {
    async chat(messages, tools, signal) {
      const body = JSON.stringify({ model: handle.model, messages, ...(tools.length > 0 ? { tools } : {}), ...options.extra });
      for (let attempt = 0; ; attempt++) {
        const response = await fetch(`${handle.baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${handle.apiKey}`, 'content-type': 'application/json' },
          body,
          ...(signal === undefined ? {} : { signal }),
        });
        const text = await response.text();
        if (response.ok) {
          const message = (JSON.parse(text) as { choices: { message: Msg }[] }).choices[0]?.message;
          if (message === undefined) throw new Error('the model answered without a choice');
          return { role: 'assistant', content: message.content ?? null, ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}) };
        }
        if (response.headers.get('x-should-retry') !== 'true' || attempt >= maxRetries) {
          throw new Error(`model call failed with ${response.status}: ${text.slice(0, 300)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
      }
    },
  };
}
