import { Agent, request } from 'undici';
import { detailError } from '../../src/errors/rollcall-error.ts';
import type { PublishMethod } from '../config/publish-config.ts';

/**
 * The HTTP calls that put a folder of weights behind one engine, per method, as data
 * (vLLM `vllm/entrypoints/serve/lora/api_router.py` and `/collective_rpc`; SGLang
 * `python/sglang/srt/entrypoints/http_server.py`). Calls run in order; the first that fails
 * stops the engine's update with an error naming the engine, the call, the status, the body and
 * the engine setting that usually causes it.
 *
 * LoRA methods unload before they load: loading a name twice is refused without `load_inplace`,
 * and `load_inplace` keeps re-reading the adapter from disk on every request (vllm#33791).
 */

/** What one update needs: where the weights are, the adapter name, the version they carry. */
export type PublishTarget = { path: string; loraName: string; policyVersion: number };

type EngineCall = {
  path: string;
  body: (target: PublishTarget) => Record<string, unknown> | undefined;
  /** A refusal that means there was nothing to do (unloading an adapter not loaded yet). */
  isNothingToDo?: (status: number) => boolean;
  /** Reads a 2xx answer: null when it reports success, else what it reported. */
  refusal?: (text: string) => string | null;
};

type MethodSpec = { calls: readonly EngineCall[]; hint: string };

/** SGLang answers some failures with 200 or 400 and `{"success": false, "message"|"error_message"}`. */
function sglangRefusal(text: string): string | null {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return `not the JSON SGLang answers: ${text.slice(0, 200)}`;
  }
  if (typeof answer === 'object' && answer !== null && (answer as { success?: unknown }).success === true) return null;
  return `success is not true: ${text.slice(0, 500)}`;
}

const unloadLora = (path: string, nothingToDo: number): EngineCall => ({
  path,
  body: ({ loraName }) => ({ lora_name: loraName }),
  isNothingToDo: (status) => status === nothingToDo,
});

const METHODS: Readonly<Record<PublishMethod, MethodSpec>> = {
  'vllm-lora': {
    calls: [
      unloadLora('/v1/unload_lora_adapter', 404),
      { path: '/v1/load_lora_adapter', body: ({ loraName, path }) => ({ lora_name: loraName, lora_path: path }) },
    ],
    hint: 'vLLM loads adapters at run time only when started with --enable-lora (and --max-lora-rank at least the worker\'s --lora-rank) and the environment variable VLLM_ALLOW_RUNTIME_LORA_UPDATING=True; the worker must train a LoRA (--lora-rank N)',
  },
  'vllm-reload': {
    calls: [
      { path: '/collective_rpc', body: ({ path }) => ({ method: 'reload_weights', kwargs: { weights_path: path } }) },
      { path: '/reset_prefix_cache', body: () => undefined },
    ],
    hint: '/collective_rpc and /reset_prefix_cache exist only when vLLM runs with VLLM_SERVER_DEV_MODE=1; reload_weights with weights_path needs a vLLM with layerwise reload; the worker must train full weights (no --lora-rank)',
  },
  'sglang-disk': {
    calls: [
      {
        path: '/update_weights_from_disk',
        body: ({ path, policyVersion }) => ({ model_path: path, weight_version: String(policyVersion), flush_cache: true }),
        refusal: sglangRefusal,
      },
    ],
    hint: 'SGLang loads weights of the same architecture and shapes only: the worker must train full weights (no --lora-rank) of the model SGLang serves',
  },
  'sglang-lora': {
    calls: [
      // SGLang refuses to unload an adapter it does not hold with a 400; the load that follows checks the outcome.
      { ...unloadLora('/unload_lora_adapter', 400), refusal: sglangRefusal },
      { path: '/load_lora_adapter', body: ({ loraName, path }) => ({ lora_name: loraName, lora_path: path }), refusal: sglangRefusal },
    ],
    hint: 'SGLang loads adapters at run time only when started with --enable-lora; the worker must train a LoRA (--lora-rank N)',
  },
};

/** Runs a method's calls against one engine; throws `RC_ERR_PUBLISH_*` naming what failed. */
export async function publishToEngine(method: PublishMethod, engineUrl: string, target: PublishTarget, dispatcher: Agent): Promise<void> {
  const { calls, hint } = METHODS[method];
  const origin = engineUrl.replace(/\/+$/, '');
  for (const call of calls) {
    const where = `publishing weights (${method}) to ${origin}: POST ${call.path}`;
    const body = call.body(target);
    let status: number;
    let text: string;
    try {
      const response = await request(`${origin}${call.path}`, {
        method: 'POST',
        dispatcher,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw detailError('RC_ERR_PUBLISH_UNREACHABLE', `${where} failed: ${(error as Error).message}. Is the engine running at ${origin}?`, { cause: error });
    }
    if (status < 200 || status >= 300) {
      if (call.isNothingToDo?.(status) === true) continue;
      throw detailError('RC_ERR_PUBLISH_REJECTED', `${where} answered ${status}: ${text.slice(0, 500) || '(empty body)'}. Hint: ${hint}`);
    }
    const refused = call.refusal?.(text) ?? null;
    if (refused !== null) throw detailError('RC_ERR_PUBLISH_REJECTED', `${where} answered ${status} but ${refused}. Hint: ${hint}`);
  }
}
