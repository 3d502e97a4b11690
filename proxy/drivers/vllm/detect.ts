import type { EngineCapabilities, EngineHttp } from '../driver-types.ts';
import { engineJson, isIdArray, isRecord } from '../engine-json.ts';

type ModelCard = { id?: unknown; max_model_len?: unknown };

/** `GET /version` (absent on some builds) and `GET /v1/models`. */
export async function readVersionAndModels(http: EngineHttp): Promise<Pick<EngineCapabilities, 'version' | 'models' | 'maxModelLen'>> {
  const version = await engineJson(http, 'GET', '/version').then(
    (v) => (isRecord(v) && typeof v.version === 'string' ? v.version : null),
    () => null,
  );
  const models = await engineJson(http, 'GET', '/v1/models');
  const cards = (isRecord(models) && Array.isArray(models.data) ? models.data : []) as ModelCard[];
  const lengths = cards.map((c) => c.max_model_len).filter((n): n is number => typeof n === 'number');
  return { version, models: cards.map((c) => String(c.id)), maxModelLen: lengths[0] ?? null };
}

/**
 * Probes what a vLLM-protocol engine gives, with one-token requests: whether chat answers carry
 * `prompt_token_ids`/`token_ids` (older builds ignore `return_token_ids` silently) and whether
 * token mode works (`/tokenize` with messages, `/v1/completions` with an id prompt).
 */
export async function probeVllm(http: EngineHttp, options: { chat: boolean; token: boolean }): Promise<EngineCapabilities> {
  const base = await readVersionAndModels(http);
  const model = base.models[0];
  const messages = [{ role: 'user', content: 'Hi' }];
  let chatTokenIds = false;
  if (options.chat) {
    const answer = await engineJson(http, 'POST', '/v1/chat/completions', { model, messages, max_tokens: 1, return_token_ids: true, logprobs: true });
    const choice = isRecord(answer) && Array.isArray(answer.choices) ? (answer.choices[0] as Record<string, unknown> | undefined) : undefined;
    chatTokenIds = isRecord(answer) && isIdArray(answer.prompt_token_ids) && choice !== undefined && isIdArray(choice.token_ids);
  }
  let tokenMode = false;
  if (options.token) {
    const rendered = await engineJson(http, 'POST', '/tokenize', { model, messages, add_generation_prompt: true }).catch(() => null);
    if (isRecord(rendered) && isIdArray(rendered.tokens)) {
      const answer = await engineJson(http, 'POST', '/v1/completions', { model, prompt: rendered.tokens, max_tokens: 1, logprobs: 0, return_token_ids: true });
      const choice = isRecord(answer) && Array.isArray(answer.choices) ? (answer.choices[0] as Record<string, unknown> | undefined) : undefined;
      tokenMode = choice !== undefined && isIdArray(choice.token_ids);
    }
  }
  return { ...base, chatTokenIds, tokenMode };
}
