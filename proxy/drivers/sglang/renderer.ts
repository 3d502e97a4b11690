import { RollcallError } from '../../../src/errors/rollcall-error.ts';
import type { RenderRequest, TokenDriver } from '../driver-types.ts';

/**
 * Token mode on SGLang needs the proxy to render prompts itself: SGLang's `/tokenize` has no
 * chat-template form (`python/sglang/srt/entrypoints/openai/serving_tokenize.py` takes
 * `{"prompt", "add_special_tokens"}` only), and rendering through its chat endpoint would generate.
 * A renderer applies the model's own tokenizer and chat template locally.
 *
 * @example
 *   createSglangDriver({ renderer: { render: (request) => qwen3.render(request), tokenizeText: (text) => qwen3.encode(text) } })
 */
export type SglangRenderer = {
  render(request: RenderRequest, signal?: AbortSignal): Promise<number[]>;
  tokenizeText(text: string, signal?: AbortSignal): Promise<number[]>;
};

export const NO_RENDERER_NEED =
  'SGLang token mode needs a local chat-template renderer (engine.tokenizerPath: a model folder with tokenizer.json and tokenizer_config.json): SGLang /tokenize has no chat-template form. Use chat mode, or set tokenizerPath';

export function noRendererError(): RollcallError {
  return new RollcallError('RC_ERR_ENGINE_CAPABILITY', { origin: 'the SGLang upstream', version: 'any version', need: NO_RENDERER_NEED });
}

/** The render half of SGLang's token driver: the renderer's, or a clear error without one. */
export function renderingWith(renderer: SglangRenderer | null): Pick<TokenDriver, 'render' | 'tokenizeText'> {
  if (renderer === null) {
    return {
      render: () => Promise.reject(noRendererError()),
      tokenizeText: () => Promise.reject(noRendererError()),
    };
  }
  return {
    render: (_http, request, signal) => renderer.render(request, signal),
    tokenizeText: (_http, text, signal) => renderer.tokenizeText(text, signal),
  };
}
