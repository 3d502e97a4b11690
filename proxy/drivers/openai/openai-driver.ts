import type { ChatDriver, EngineDriver } from '../driver-types.ts';
import { captureOpenAiChat, newOpenAiStreamCapture } from './chat-capture.ts';
import { buildOpenAiChatRequest } from './chat-request.ts';
import { detectOpenAi } from './detect.ts';

export const openAiChat: ChatDriver = {
  path: '/v1/chat/completions',
  capturesTokens: false,
  buildRequest: buildOpenAiChatRequest,
  captureUnary: captureOpenAiChat,
  newStreamCapture: newOpenAiStreamCapture,
};

/**
 * Any OpenAI-compatible API, text only: for auxiliary models such as an LLM judge. Calls are
 * relayed and recorded but never trainable; there is no token mode.
 */
export const openAiDriver: EngineDriver = {
  kind: 'openai',
  chat: openAiChat,
  token: null,
  detect: detectOpenAi,
};
