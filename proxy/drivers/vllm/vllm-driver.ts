import { captureChatCompletion } from '../../capture/chat-completion-capture.ts';
import { ChatStreamCapture } from '../../capture/chat-stream-capture.ts';
import type { WireChatChunk, WireChatCompletion } from '../../../src/wire/openai-chat.ts';
import type { ChatDriver, EngineDriver, TokenDriver } from '../driver-types.ts';
import { buildVllmChatRequest } from './chat-request.ts';
import { buildCompletionsBody, newCompletionsStream, readCompletions } from './completions.ts';
import { probeVllm } from './detect.ts';
import { countChatPrompt, renderWithEngine, tokenizeTextWithEngine } from './tokenize.ts';

export const vllmChat: ChatDriver = {
  path: '/v1/chat/completions',
  capturesTokens: true,
  buildRequest: buildVllmChatRequest,
  captureUnary: (body) => captureChatCompletion(body as WireChatCompletion),
  newStreamCapture: () => {
    const capture = new ChatStreamCapture();
    return { push: (payload) => capture.push(payload as WireChatChunk), result: () => capture.result() };
  },
  countPromptTokens: countChatPrompt,
};

export const vllmToken: TokenDriver = {
  render: renderWithEngine,
  tokenizeText: tokenizeTextWithEngine,
  generatePath: '/v1/completions',
  promptField: 'prompt',
  buildGenerateBody: buildCompletionsBody,
  readGeneration: readCompletions,
  newGenerationStream: newCompletionsStream,
};

/** vLLM ≥ 0.10.2: chat pass-through with `return_token_ids`, and token mode. */
export const vllmDriver: EngineDriver = {
  kind: 'vllm',
  chat: vllmChat,
  token: vllmToken,
  detect: (http) => probeVllm(http, { chat: true, token: true }),
};

/** rollcall's own GPU worker speaks the token-mode subset of vLLM's protocol only. */
export const workerDriver: EngineDriver = {
  kind: 'worker',
  chat: null,
  token: vllmToken,
  detect: (http) => probeVllm(http, { chat: false, token: true }),
};
