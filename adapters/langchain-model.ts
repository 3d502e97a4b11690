import { ChatOpenAI } from '@langchain/openai';
import type { ModelHandle } from './rollout-handle.ts';

/**
 * A LangChain JS `ChatOpenAI` pointed at a rollout: only the base URL, key and model change.
 *
 * @example
 * const model = langchainChatModel(input).bindTools([myTool]);
 * const reply = await model.invoke([new HumanMessage('What is 6*7?')]);
 */
export function langchainChatModel(handle: ModelHandle, options: { maxRetries?: number } = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: handle.model,
    apiKey: handle.apiKey,
    configuration: { baseURL: handle.baseUrl },
    maxRetries: options.maxRetries ?? 2,
  });
}
