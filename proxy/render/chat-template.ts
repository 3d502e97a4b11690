import { Environment, Interpreter, Template } from '@huggingface/jinja';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { RenderRequest } from '../drivers/driver-types.ts';
import { folderError, type ModelFolder } from './model-folder.ts';
import { templateGlobals } from './template-globals.ts';

/**
 * A model's chat templates, compiled once with @huggingface/jinja (the Jinja subset transformers.js
 * uses, with `trim_blocks`/`lstrip_blocks` as transformers sets them), and rendered the way
 * transformers' `apply_chat_template` does: special tokens from the config, then the request's
 * `chat_template_kwargs` over them, then `messages`, `tools`, `documents` and
 * `add_generation_prompt`, which kwargs cannot replace (transformers refuses such a kwarg).
 */
export type CompiledTemplate = {
  name: string;
  template: Template;
  /**
   * Whether the template loops over a message's `content` (a multimodal template): then content
   * parts reach it as a list, as vLLM's "openai" content format; else their texts are joined.
   */
  takesContentParts: boolean;
};

export type ChatTemplates = { pick(hasTools: boolean): CompiledTemplate };

/**
 * vLLM decides the content format from the template's syntax tree (`_detect_content_format`:
 * a `for` loop over `message['content']`); this looks for the same loop in the source.
 */
const CONTENT_LOOP = /\{%-?\s*for\s+\w+\s+in\s+\w+(?:\.content\b|\[\s*['"]content['"]\s*\])/;

function compile(folder: ModelFolder, name: string, source: string): CompiledTemplate {
  try {
    return { name, template: new Template(source), takesContentParts: CONTENT_LOOP.test(source) };
  } catch (cause) {
    throw folderError(folder.dir, `the chat template "${name}" does not parse (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
}

/**
 * Picks a template as transformers' `get_chat_template` does: with named templates, "tool_use"
 * when tools are given and it exists, else "default"; named templates without a "default" are
 * refused at start (transformers refuses them on the first call without tools).
 */
export function compileChatTemplates(folder: ModelFolder): ChatTemplates {
  if (folder.templates.default === null) {
    const names = Object.keys(folder.templates.named).join(', ');
    throw folderError(folder.dir, `tokenizer_config.json names chat templates (${names}) but none is "default"`);
  }
  const fallback = compile(folder, 'default', folder.templates.default);
  const toolUse = folder.templates.named.tool_use === undefined ? null : compile(folder, 'tool_use', folder.templates.named.tool_use);
  return { pick: (hasTools) => (hasTools && toolUse !== null ? toolUse : fallback) };
}

/** Renders one request's prompt text; a template that fails or raises gives a registry error. */
export function renderChatTemplate(folder: ModelFolder, compiled: CompiledTemplate, request: RenderRequest, messages: readonly Record<string, unknown>[]): string {
  const raise = (message: string): never => {
    throw folderError(folder.dir, `the chat template raised an exception: ${message}`);
  };
  const variables: Record<string, unknown> = {
    ...folder.specialTokens,
    ...request.chatTemplateKwargs,
    ...templateGlobals(raise),
    messages,
    // transformers always passes these two: `tools is none` must hold without tools.
    tools: request.tools ?? null,
    documents: null,
    add_generation_prompt: request.addGenerationPrompt,
  };
  try {
    // What Template.render does, with rollcall's globals instead of the library's.
    const env = new Environment();
    for (const [name, value] of Object.entries(variables)) env.set(name, value);
    const result = new Interpreter(env).run(compiled.template.parsed);
    return typeof result.value === 'string' ? result.value : String(result.value);
  } catch (error) {
    if (error instanceof RollcallError) throw error;
    throw folderError(folder.dir, `the chat template failed (${error instanceof Error ? error.message : String(error)})`, error);
  }
}
