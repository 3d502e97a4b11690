import type { ChatDriver, EngineDriver, TokenDriver } from '../driver-types.ts';
import { captureSglangChat } from './chat-capture.ts';
import { buildSglangChatRequest } from './chat-request.ts';
import { SglangChatStreamCapture } from './chat-stream-capture.ts';
import { detectSglang } from './detect.ts';
import { buildGenerateBody } from './generate-request.ts';
import { readGenerate } from './generate-response.ts';
import { newGenerateStream } from './generate-stream.ts';
import { renderingWith, type SglangRenderer } from './renderer.ts';
import type { StreamShape } from './streamed-field.ts';

export type SglangDriverOptions = {
  /** Renders prompts for token mode; null: token mode is unavailable (chat pass-through only). */
  renderer: SglangRenderer | null;
  /**
   * How `/generate` streams: 'auto' (default) reads each stream's shape from its events; set it
   * when the server's `--incremental-streaming-output` flag is known.
   */
  streamOutput?: 'auto' | StreamShape;
};

export const sglangChat: ChatDriver = {
  path: '/v1/chat/completions',
  capturesTokens: true,
  buildRequest: buildSglangChatRequest,
  captureUnary: captureSglangChat,
  newStreamCapture: () => new SglangChatStreamCapture(),
};

/**
 * SGLang: chat pass-through with ids from `return_token_ids` / the sglext extension, and token
 * mode through native `/generate` with prompts rendered by an injected renderer.
 *
 * @example
 *   const driver = createSglangDriver({ renderer: null }); // chat pass-through only
 */
export function createSglangDriver(options: SglangDriverOptions): EngineDriver {
  const forced = options.streamOutput === undefined || options.streamOutput === 'auto' ? null : options.streamOutput;
  const token: TokenDriver = {
    ...renderingWith(options.renderer),
    generatePath: '/generate',
    promptField: 'input_ids',
    buildGenerateBody,
    readGeneration: readGenerate,
    newGenerationStream: () => newGenerateStream(forced),
  };
  return { kind: 'sglang', chat: sglangChat, token, detect: (http) => detectSglang(http, options.renderer) };
}

/** The driver without `tokenizerPath`: no renderer, so token mode reports itself unavailable. */
export const sglangDriver: EngineDriver = createSglangDriver({ renderer: null });
