import { RollcallError } from '../../../src/errors/rollcall-error.ts';
import type { ChatMessage, ChatRequest } from '../../../src/wire/openai-chat.ts';
import type { EngineHttp, PromptCount, RenderRequest } from '../driver-types.ts';
import { engineJson, isIdArray, isRecord } from '../engine-json.ts';

/**
 * Prompt ids on llama.cpp, which never returns them (its chat answer carries no `tokens`):
 * `POST /apply-template` renders the messages with the server's own template and preprocessing,
 * `POST /tokenize` turns the text into ids.
 *
 * `/tokenize` gets `add_special: true, parse_special: true`, the exact call llama-server makes on a
 * chat prompt (`tokenize_input_prompts(..., add_special=true, parse_special=true)`): the rendered
 * template has its leading BOS text stripped when the model adds BOS itself (`common/chat.cpp`),
 * so `add_special: false` would lose the BOS on such models. Token mode then sends these ids
 * verbatim: `/completion` adds no BOS to an id array.
 */

const readPrompt = (answer: unknown): string => {
  if (isRecord(answer) && typeof answer.prompt === 'string') return answer.prompt;
  throw new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: '/apply-template answered without a prompt string' });
};

export async function tokenize(http: EngineHttp, content: string, addSpecial: boolean, signal: AbortSignal): Promise<number[]> {
  const answer = await engineJson(http, 'POST', '/tokenize', { content, add_special: addSpecial, parse_special: true, with_pieces: false }, signal);
  if (isRecord(answer) && isIdArray(answer.tokens)) return answer.tokens;
  throw new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: '/tokenize answered without a tokens array' });
}

/**
 * The prompt ids of a chat request as sent: the same body goes to `/apply-template`, which runs
 * the chat preprocessing and ignores the generation fields. Null when the engine cannot rebuild
 * them (an old build without `/apply-template`, a refusal): the call is then recorded without
 * prompt ids, so not trainable. The caller compares the count with `usage.prompt_tokens`.
 */
export async function completePromptIds(http: EngineHttp, sent: Record<string, unknown>, signal: AbortSignal): Promise<number[] | null> {
  try {
    const prompt = readPrompt(await engineJson(http, 'POST', '/apply-template', sent, signal));
    return await tokenize(http, prompt, true, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return null;
  }
}

/** The prompt ids of a chat request before it is sent, for an explicit budget; they also serve the record. */
export async function countChatPrompt(http: EngineHttp, request: ChatRequest, signal: AbortSignal): Promise<PromptCount> {
  const promptIds = await completePromptIds(http, request, signal);
  if (promptIds === null) throw new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: 'the prompt could not be counted through /apply-template + /tokenize' });
  return { count: promptIds.length, promptIds };
}

export const PREFILL_NEED =
  'llama.cpp token mode renders closed assistant turns (add_generation_prompt false), but llama-server treats a trailing assistant message as a prefill to continue (ggml-org/llama.cpp#13174); start it with --no-prefill-assistant (#13608)';

const prefillError = (cause?: unknown) =>
  new RollcallError('RC_ERR_ENGINE_CAPABILITY', { origin: 'the llama.cpp upstream', version: 'this build', need: PREFILL_NEED }, cause === undefined ? {} : { cause });

const textOf = (message: ChatMessage): string =>
  typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => (typeof part.text === 'string' ? part.text : '')).join('');

/** A prefill render ends with the raw text of the trailing assistant message, unclosed. */
export function isPrefillRender(prompt: string, messages: readonly ChatMessage[]): boolean {
  const last = messages.at(-1);
  if (last === undefined || last.role !== 'assistant') return false;
  const text = textOf(last);
  return text !== '' && prompt.endsWith(text);
}

/**
 * Token mode's renderer. `add_generation_prompt` is honoured by `/apply-template`, but a trailing
 * assistant message is prefilled unless the server runs `--no-prefill-assistant`, and with
 * thinking on the prefill is refused outright; both become one capability error naming the flag,
 * never a prompt with an unclosed turn.
 */
export async function renderWithTemplate(http: EngineHttp, request: RenderRequest, signal: AbortSignal): Promise<number[]> {
  const body: Record<string, unknown> = { messages: request.messages, add_generation_prompt: request.addGenerationPrompt };
  if (request.tools !== undefined && request.tools !== null) body.tools = request.tools;
  if (request.chatTemplateKwargs !== undefined) body.chat_template_kwargs = request.chatTemplateKwargs;
  let prompt: string;
  try {
    prompt = readPrompt(await engineJson(http, 'POST', '/apply-template', body, signal));
  } catch (error) {
    if (error instanceof RollcallError && error.code === 'RC_ERR_UPSTREAM_REJECTED' && /prefill/i.test(error.message)) throw prefillError(error);
    throw error;
  }
  if (!request.addGenerationPrompt && isPrefillRender(prompt, request.messages)) throw prefillError();
  return tokenize(http, prompt, true, signal);
}

/** Plain text (no template, no BOS); special-token text is parsed as the special token. */
export const tokenizeText = (http: EngineHttp, text: string, signal: AbortSignal): Promise<number[]> => tokenize(http, text, false, signal);
