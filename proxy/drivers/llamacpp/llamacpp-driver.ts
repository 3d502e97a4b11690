import type { ChatDriver, EngineDriver, TokenDriver } from '../driver-types.ts';
import { captureLlamacppChat, LlamacppChatStreamCapture } from './chat-capture.ts';
import { buildLlamacppChatRequest } from './chat-request.ts';
import { buildCompletionBody } from './completion-request.ts';
import { newCompletionStream, readCompletion } from './completion.ts';
import { detectLlamacpp } from './detect.ts';
import { completePromptIds, countChatPrompt, renderWithTemplate, tokenizeText } from './prompt-ids.ts';

/**
 * Chat pass-through: completion ids from logprob entries, prompt ids rebuilt after the answer
 * by `completePromptIds`, which the proxy core must call before it records the call (or before
 * sending, by `countPromptTokens`, when the turn's budget needs the prompt length).
 */
export const llamacppChat: ChatDriver = {
  path: '/v1/chat/completions',
  capturesTokens: true,
  buildRequest: buildLlamacppChatRequest,
  captureUnary: captureLlamacppChat,
  newStreamCapture: () => new LlamacppChatStreamCapture(),
  completePromptIds,
  countPromptTokens: countChatPrompt,
};

/** Token mode: `/apply-template` + `/tokenize` render, native `/completion` generates. */
export const llamacppToken: TokenDriver = {
  render: renderWithTemplate,
  tokenizeText,
  generatePath: '/completion',
  promptField: 'prompt',
  buildGenerateBody: buildCompletionBody,
  readGeneration: readCompletion,
  newGenerationStream: newCompletionStream,
  // tools/server sends `data: [DONE]` on /v1/* only; /completion ends after the `stop: true` event.
  streamEndsWithoutDone: true,
};

/** The llama.cpp server (`llama-server`, tools/server). */
export const llamacppDriver: EngineDriver = {
  kind: 'llamacpp',
  chat: llamacppChat,
  token: llamacppToken,
  detect: detectLlamacpp,
};
