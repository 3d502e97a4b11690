import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { RenderRequest } from '../drivers/driver-types.ts';
import type { SglangRenderer } from '../drivers/sglang/renderer.ts';
import { compileChatTemplates, renderChatTemplate } from './chat-template.ts';
import { folderError, readModelFolder, type ModelFolder } from './model-folder.ts';
import { templateMessages } from './template-messages.ts';

/**
 * Token mode without the engine's help: the prompt is rendered from a local Hugging Face model
 * folder, the chat template by @huggingface/jinja and the text by @huggingface/tokenizers (the
 * pieces transformers.js is built from). The text is tokenized with added and special tokens
 * recognised and `add_special_tokens: false`, as vLLM's chat `/tokenize` does: the template
 * already writes BOS where the model wants one.
 *
 * Known differences from rendering in Python (they only touch re-rendered content, such as tool
 * arguments or tool schemas given as JSON, never ids the model generated, which token mode keeps):
 * - `tojson` prints an integer-valued float such as `1.0` as `1` and exponents JavaScript's way,
 *   and JSON parsing puts integer-like object keys ("1") first;
 * - `sort_keys` sorts by locale, not by code point;
 * - only the Jinja subset that @huggingface/jinja implements (the one transformers.js relies on):
 *   a construct it lacks fails at start (parse) or with a clear error when rendered.
 *
 * @example
 *   const renderer = createLocalRenderer('/models/Qwen3-8B');
 *   const ids = await renderer.render({ messages: [{ role: 'user', content: 'Hi' }], tools: undefined, addGenerationPrompt: true, chatTemplateKwargs: undefined });
 */
export type LocalRenderer = SglangRenderer & {
  /** The model folder, as an absolute path. */
  modelDir: string;
  /** The prompt as text, before tokenization (diagnostics and tests). */
  renderText(request: RenderRequest): string;
};

function loadTokenizer(folder: ModelFolder): Tokenizer {
  try {
    return new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig);
  } catch (cause) {
    throw folderError(folder.dir, `${join(folder.dir, 'tokenizer.json')} cannot be loaded as a tokenizer (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
}

/** Reads and compiles everything at once (synchronously): a bad folder fails here, at start. */
export function createLocalRenderer(modelDir: string): LocalRenderer {
  const folder = readModelFolder(modelDir);
  const templates = compileChatTemplates(folder);
  const tokenizer = loadTokenizer(folder);
  const encode = (text: string): number[] => tokenizer.encode(text, { add_special_tokens: false }).ids;
  const renderText = (request: RenderRequest): string => {
    // transformers picks the "tool_use" template whenever tools is not None, an empty list too.
    const compiled = templates.pick(request.tools !== undefined && request.tools !== null);
    return renderChatTemplate(folder, compiled, request, templateMessages(request.messages, compiled.takesContentParts));
  };
  return {
    modelDir: folder.dir,
    renderText,
    render: async (request) => encode(renderText(request)),
    tokenizeText: async (text) => encode(text),
  };
}
