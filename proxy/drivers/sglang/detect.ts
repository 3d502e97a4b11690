import { RollcallError } from '../../../src/errors/rollcall-error.ts';
import type { ChatMessage } from '../../../src/wire/openai-chat.ts';
import type { EngineCapabilities, EngineHttp } from '../driver-types.ts';
import { engineJson, isRecord } from '../engine-json.ts';
import { captureSglangChat } from './chat-capture.ts';
import { readGenerate } from './generate-response.ts';
import { NO_RENDERER_NEED, type SglangRenderer } from './renderer.ts';

/**
 * What a mode still needs on this engine, in words, beside the yes/no of EngineCapabilities
 * (null when the mode works). Start-up errors can quote it.
 */
export type ModeNeeds = { token: string | null; chat: string | null };
export type SglangCapabilities = EngineCapabilities & { needs: ModeNeeds };

const PROBE_MESSAGES: ChatMessage[] = [{ role: 'user', content: 'Hi' }];

/** A GET that may be missing on some builds: null instead of an error, and the origin that answered. */
async function optionalJson(http: EngineHttp, path: string): Promise<{ origin: string; json: unknown }> {
  const response = await http({ method: 'GET', path });
  const text = await response.body.text();
  if (response.statusCode !== 200) return { origin: response.origin, json: null };
  try {
    return { origin: response.origin, json: JSON.parse(text) as unknown };
  } catch {
    return { origin: response.origin, json: null };
  }
}

const capability = (origin: string, version: string | null, need: string) =>
  new RollcallError('RC_ERR_ENGINE_CAPABILITY', { origin, version: version ?? 'unknown version', need });

type Probed = { answer: unknown; refused: null } | { answer: null; refused: string };

/** A 4xx from a probe means the feature is missing; anything else (connection, 5xx) is rethrown. */
async function probe(run: () => Promise<unknown>): Promise<Probed> {
  try {
    return { answer: await run(), refused: null };
  } catch (error) {
    if (error instanceof RollcallError && error.code === 'RC_ERR_UPSTREAM_REJECTED') return { answer: null, refused: error.message };
    throw error;
  }
}

async function probeChat(http: EngineHttp, model: string | undefined): Promise<string | null> {
  const body = { model, messages: PROBE_MESSAGES, max_completion_tokens: 1, temperature: 0, logprobs: true, return_token_ids: true, return_input_ids_in_sglext: true, return_output_ids_in_sglext: true };
  const probed = await probe(() => engineJson(http, 'POST', '/v1/chat/completions', body));
  if (probed.refused !== null) return `chat capture needs token ids in chat answers: ${probed.refused}`;
  const capture = captureSglangChat(probed.answer);
  const ok = capture.promptIds !== null && (capture.choices[0]?.completionIds.length ?? 0) > 0;
  return ok ? null : 'chat capture needs token ids in chat answers (SGLang with return_token_ids or the sglext ids, sgl-project/sglang#30917, #34488)';
}

async function probeToken(http: EngineHttp, renderer: SglangRenderer | null): Promise<string | null> {
  if (renderer === null) return NO_RENDERER_NEED;
  const inputIds = await renderer.render({ messages: PROBE_MESSAGES, tools: undefined, addGenerationPrompt: true, chatTemplateKwargs: undefined });
  const body = { input_ids: inputIds, sampling_params: { max_new_tokens: 1, temperature: 0 }, return_logprob: true, logprob_start_len: -1 };
  const probed = await probe(() => engineJson(http, 'POST', '/generate', body));
  if (probed.refused !== null) return `token mode needs /generate with input_ids: ${probed.refused}`;
  const choice = readGenerate(probed.answer).choices[0];
  const ok = choice !== undefined && choice.completionIds.length > 0 && choice.logprobs.length === choice.completionIds.length;
  return ok ? null : 'token mode needs /generate to answer output ids with logprob triples (return_logprob)';
}

/**
 * SGLang at start: `/get_model_info` (a non-generation model is refused), `/get_server_info`
 * (`version`; `--allow-auto-truncate` is refused, it silently cuts prompts), `/v1/models`,
 * then one-token probes of chat ids and of `/generate`.
 */
export async function detectSglang(http: EngineHttp, renderer: SglangRenderer | null): Promise<SglangCapabilities> {
  const modelInfo = await optionalJson(http, '/get_model_info');
  const serverInfo = await optionalJson(http, '/get_server_info');
  const server = isRecord(serverInfo.json) ? serverInfo.json : {};
  const version = typeof server.version === 'string' ? server.version : null;
  if (isRecord(modelInfo.json) && modelInfo.json.is_generation === false) {
    throw capability(modelInfo.origin, version, 'the served model is not a generation model (is_generation: false)');
  }
  if (server.allow_auto_truncate === true) {
    throw capability(serverInfo.origin, version, 'SGLang runs with --allow-auto-truncate, which silently cuts prompts and completion budgets; restart it without that flag');
  }
  const listing = await engineJson(http, 'GET', '/v1/models');
  const cards = (isRecord(listing) && Array.isArray(listing.data) ? listing.data : []).filter(isRecord);
  const models = cards.map((card) => String(card.id));
  const lengths = [...cards.map((card) => card.max_model_len), server.context_length].filter((n): n is number => typeof n === 'number');
  const needs: ModeNeeds = { chat: await probeChat(http, models[0]), token: await probeToken(http, renderer) };
  return { version, models, maxModelLen: lengths[0] ?? null, chatTokenIds: needs.chat === null, tokenMode: needs.token === null, needs };
}
