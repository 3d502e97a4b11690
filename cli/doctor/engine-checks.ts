/**
 * What `rollcall doctor` asks an engine, one request each, so a failure names the one thing that
 * is wrong: is anything listening, is the URL the server root (an upstream ending in `/v1` is the
 * most common mistake: rollcall appends `/v1/chat/completions` itself), which model and context
 * length it serves, whether chat answers carry token ids and logprobs (vLLM >= 0.10.2 with
 * `return_token_ids`), and whether token mode's `/tokenize` + token-id `/v1/completions` work.
 * The last word is the proxy's own start-up detection, so doctor and `rollcall serve` agree.
 */
import { EngineConfigSchema, type EngineKind } from '../../src/config/proxy-config.ts';
import { resolveEngineAtStart } from '../../proxy/engine/resolve-engine.ts';
import type { Check } from './check-report.ts';

const TIMEOUT_MS = 10_000;

type Answer = { status: number; body: unknown } | { failure: string };

function networkFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused: nothing listens there';
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return 'the host name does not resolve';
  return cause?.message ?? (error as Error).message;
}

async function ask(url: string, method: 'GET' | 'POST', body?: unknown): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the message
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    return { failure: networkFailure(error) };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isIds = (value: unknown): boolean => Array.isArray(value) && value.length > 0 && value.every((v) => Number.isInteger(v));
const firstChoice = (body: unknown): Record<string, unknown> | undefined => (isRecord(body) && Array.isArray(body.choices) && isRecord(body.choices[0]) ? body.choices[0] : undefined);

export type EngineReach = { ok: true; root: string; models: string[]; maxModelLen: number | null } | { ok: false; check: Check };

/** Is an OpenAI-compatible server answering `GET /v1/models` at this root? Shared with train's start-up check. */
export async function reachEngine(url: string): Promise<EngineReach> {
  let root: string;
  try {
    const parsed = new URL(url);
    root = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return { ok: false, check: { status: 'fail', text: `"${url}" is not a URL`, fix: 'give the engine server as http://host:port' } };
  }
  const answer = await ask(`${root}/v1/models`, 'GET');
  if ('failure' in answer) {
    return { ok: false, check: { status: 'fail', text: `${root}: ${answer.failure}`, fix: 'start the engine (vllm serve MODEL --port 8000, or rollcall worker --model DIR), or correct the URL (--upstream, proxy.engine.upstreams, ROLLCALL_UPSTREAM)' } };
  }
  const cards = isRecord(answer.body) && Array.isArray(answer.body.data) ? answer.body.data.filter(isRecord) : null;
  if (answer.status === 200 && cards !== null) {
    const lengths = cards.map((c) => c.max_model_len).filter((n): n is number => typeof n === 'number');
    return { ok: true, root, models: cards.map((c) => String(c.id)), maxModelLen: lengths[0] ?? null };
  }
  if (/\/v1$/.test(root)) {
    const server = root.replace(/\/v1$/, '');
    const without = await ask(`${server}/v1/models`, 'GET');
    const isRight = !('failure' in without) && without.status === 200;
    return { ok: false, check: { status: 'fail', text: `${url} ends in /v1: rollcall adds /v1/… itself, so it asked ${root}/v1/models and got HTTP ${answer.status}`, fix: `give the server root${isRight ? ` (${server} answers)` : ''}: ${server}` } };
  }
  if (answer.status === 401 || answer.status === 403) {
    return { ok: false, check: { status: 'fail', text: `${root}/v1/models wants a key (HTTP ${answer.status})`, fix: 'set proxy.engine.apiKeyEnv to the name of a variable holding the engine\'s key' } };
  }
  return { ok: false, check: { status: 'fail', text: `${root}/v1/models answered HTTP ${answer.status}, not an OpenAI model list`, fix: 'give the root URL of an OpenAI-compatible engine server (the part before /v1)' } };
}

async function chatChecks(root: string, model: string | undefined): Promise<Check[]> {
  const answer = await ask(`${root}/v1/chat/completions`, 'POST', { model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 1, logprobs: true, return_token_ids: true });
  if ('failure' in answer || answer.status !== 200) {
    const why = 'failure' in answer ? answer.failure : `HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`;
    return [{ status: 'fail', text: `a one-token chat completion failed: ${why}`, fix: 'look at the engine log; the model may not have a chat template' }];
  }
  const choice = firstChoice(answer.body);
  const hasIds = isRecord(answer.body) && isIds(answer.body.prompt_token_ids) && isIds(choice?.token_ids);
  const content = isRecord(choice?.logprobs) && Array.isArray(choice.logprobs.content) ? choice.logprobs.content : [];
  const hasLogprobs = content.length > 0 && isRecord(content[0]) && typeof content[0].logprob === 'number';
  return [
    hasIds ? { status: 'ok', text: 'chat answers carry prompt and completion token ids' } : { status: 'warn', text: 'chat answers carry no token ids (return_token_ids is ignored)', fix: 'vLLM >= 0.10.2 returns them; without them only token mode can record trainable calls' },
    hasLogprobs ? { status: 'ok', text: 'chat answers carry logprobs' } : { status: 'fail', text: 'chat answers carry no logprobs', fix: 'the engine must return logprobs (vLLM: do not start it with --max-logprobs 0)' },
  ];
}

async function tokenModeCheck(root: string, model: string | undefined): Promise<Check> {
  const rendered = await ask(`${root}/tokenize`, 'POST', { model, messages: [{ role: 'user', content: 'Hi' }], add_generation_prompt: true });
  const tokens = !('failure' in rendered) && isRecord(rendered.body) ? rendered.body.tokens : undefined;
  if (!isIds(tokens)) return { status: 'warn', text: 'token mode: POST /tokenize with messages does not work', fix: 'token mode needs vLLM (or rollcall worker); other engines need proxy.engine.tokenizerPath' };
  const answer = await ask(`${root}/v1/completions`, 'POST', { model, prompt: tokens, max_tokens: 1, logprobs: 0, return_token_ids: true });
  const choice = 'failure' in answer ? undefined : firstChoice(answer.body);
  if (!isIds(choice?.token_ids)) return { status: 'warn', text: 'token mode: /v1/completions from token ids gives no token_ids', fix: 'vLLM >= 0.10.2 returns them' };
  return { status: 'ok', text: 'token mode works: /tokenize renders chats and /v1/completions generates from token ids' };
}

/** Every engine check, in the order a fix is needed. */
export async function checkEngine(url: string, kind: EngineKind): Promise<Check[]> {
  const reach = await reachEngine(url);
  if (!reach.ok) return [reach.check];
  const model = reach.models[0];
  const checks: Check[] = [
    { status: 'ok', text: `reachable: ${reach.root} serves ${reach.models.join(', ') || 'no model'}` },
    reach.maxModelLen === null ? { status: 'warn', text: 'context length: not reported by /v1/models' } : { status: 'ok', text: `context length: ${reach.maxModelLen} tokens` },
  ];
  if (kind === 'vllm' || kind === 'worker') checks.push(...(await chatChecks(reach.root, model)), await tokenModeCheck(reach.root, model));
  try {
    const resolved = await resolveEngineAtStart(EngineConfigSchema.parse({ kind, upstreams: [reach.root] }));
    checks.push(resolved.warning === undefined ? { status: 'ok', text: `rollcall serve --engine ${kind} would record in ${resolved.mode} mode` } : { status: 'fail', text: resolved.warning });
  } catch (error) {
    checks.push({ status: 'fail', text: (error as Error).message, fix: 'rollcall serve refuses this engine; see the checks above' });
  }
  return checks;
}
