import { RollcallError } from '../../../src/errors/rollcall-error.ts';
import type { ChatMessage } from '../../../src/wire/openai-chat.ts';
import type { EngineCapabilities, EngineHttp } from '../driver-types.ts';
import { engineJson, isRecord } from '../engine-json.ts';
import { captureLlamacppChat } from './chat-capture.ts';
import { readCompletion } from './completion.ts';
import { completePromptIds, PREFILL_NEED, renderWithTemplate } from './prompt-ids.ts';
import { NEUTRAL_SAMPLERS, RAW_LOGPROBS } from './sampling-defaults.ts';

/** What a mode still needs on this engine, in words (null when the mode works). */
export type ModeNeeds = { token: string | null; chat: string | null };
export type LlamacppCapabilities = EngineCapabilities & { needs: ModeNeeds };

const HI: ChatMessage[] = [{ role: 'user', content: 'Hi' }];
/** A closed assistant turn, as turn continuation renders it. */
const CLOSED_TURN: ChatMessage[] = [{ role: 'user', content: 'Hi.' }, { role: 'assistant', content: 'Hello.' }];
const GREEDY_ONE = { ...NEUTRAL_SAMPLERS, ...RAW_LOGPROBS, temperature: 0, n_probs: 1 };

/** A GET some builds lack: null instead of an error. */
async function optionalJson(http: EngineHttp, path: string): Promise<unknown> {
  return engineJson(http, 'GET', path).catch((error: unknown) => {
    if (error instanceof RollcallError && error.code === 'RC_ERR_UPSTREAM_REJECTED') return null;
    throw error;
  });
}

/** A probe the engine refuses (4xx) names what is missing; connection failures and 5xx propagate. */
async function orNeed(what: string, run: () => Promise<string | null>): Promise<string | null> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RollcallError && error.code === 'RC_ERR_UPSTREAM_REJECTED') return `${what}: ${error.message}`;
    throw error;
  }
}

/** Completion ids in chat logprobs, and prompt ids rebuilt to the count the engine reports. */
async function probeChat(http: EngineHttp, signal: AbortSignal): Promise<string | null> {
  const sent = { messages: HI, max_tokens: 1, ...GREEDY_ONE };
  const capture = captureLlamacppChat(await engineJson(http, 'POST', '/v1/chat/completions', sent, signal));
  if ((capture.choices[0]?.completionIds.length ?? 0) === 0) return 'chat capture needs token ids in chat logprobs (llama.cpp with ggml-org/llama.cpp#10783)';
  const promptIds = await completePromptIds(http, sent, signal);
  if (promptIds === null) return 'chat capture needs prompt ids rebuilt by /apply-template and /tokenize';
  if (promptIds.length !== capture.usage?.promptTokens) return `/apply-template + /tokenize give ${promptIds.length} prompt ids but the chat answer counted ${String(capture.usage?.promptTokens)}`;
  return null;
}

async function probeToken(http: EngineHttp, signal: AbortSignal): Promise<string | null> {
  try {
    await renderWithTemplate(http, { messages: CLOSED_TURN, tools: undefined, addGenerationPrompt: false, chatTemplateKwargs: undefined }, signal);
  } catch (error) {
    if (error instanceof RollcallError && error.params.need === PREFILL_NEED) return PREFILL_NEED;
    throw error;
  }
  const promptIds = await renderWithTemplate(http, { messages: HI, tools: undefined, addGenerationPrompt: true, chatTemplateKwargs: undefined }, signal);
  const body = { prompt: promptIds, n_predict: 1, return_tokens: true, ...GREEDY_ONE };
  const generation = readCompletion(await engineJson(http, 'POST', '/completion', body, signal));
  const choice = generation.choices[0];
  if (choice === undefined || choice.completionIds.length === 0 || choice.logprobs.length !== choice.completionIds.length) {
    return 'token mode needs /completion to answer tokens and completion_probabilities with ids (llama.cpp with ggml-org/llama.cpp#10783)';
  }
  return null;
}

/** `n_vocab` of the first model card's `meta` (llama.cpp's `/v1/models`). */
function vocabSizeOf(cards: Record<string, unknown>[]): number | null {
  const meta = cards[0]?.meta;
  return isRecord(meta) && typeof meta.n_vocab === 'number' && Number.isInteger(meta.n_vocab) && meta.n_vocab > 0 ? meta.n_vocab : null;
}

/**
 * llama-server at start: `/health` (503 while loading: an error, so another replica is tried),
 * `/props` (`build_info`, the per-slot `n_ctx`), `/v1/models`, then one-token probes of chat
 * capture (ids in logprobs, prompt ids rebuilt to the engine's count) and of token mode
 * (closed assistant turns render, `/completion` from ids).
 */
export async function detectLlamacpp(http: EngineHttp): Promise<LlamacppCapabilities> {
  await engineJson(http, 'GET', '/health');
  const props = await optionalJson(http, '/props');
  const listing = await optionalJson(http, '/v1/models');
  const settings = isRecord(props) && isRecord(props.default_generation_settings) ? props.default_generation_settings : {};
  const cards = (isRecord(listing) && Array.isArray(listing.data) ? listing.data : []).filter(isRecord);
  const signal = new AbortController().signal;
  const needs: ModeNeeds = {
    chat: await orNeed('the chat probe was refused', () => probeChat(http, signal)),
    token: await orNeed('the token-mode probe was refused', () => probeToken(http, signal)),
  };
  return {
    version: isRecord(props) && typeof props.build_info === 'string' ? props.build_info : null,
    models: cards.map((card) => String(card.id)),
    maxModelLen: typeof settings.n_ctx === 'number' ? settings.n_ctx : null,
    vocabSize: vocabSizeOf(cards),
    chatTokenIds: needs.chat === null,
    tokenMode: needs.token === null,
    needs,
  };
}
