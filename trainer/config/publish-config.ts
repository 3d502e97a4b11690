import { z } from 'zod';
import { externalProxyUrls } from './proxy-section.ts';

/**
 * `learner.publish`: the worker trains, an external vLLM or SGLang serves, and after every step the
 * new weights go from the worker to each engine through a folder both can read
 * (docs/train-a-real-model.md).
 * The checks here span sections (learner, proxy, rollout), so they run on the whole configuration.
 */

export const PUBLISH_METHODS = ['vllm-lora', 'vllm-reload', 'sglang-disk', 'sglang-lora'] as const;
export type PublishMethod = (typeof PUBLISH_METHODS)[number];

export const isLoraMethod = (method: PublishMethod): boolean => method === 'vllm-lora' || method === 'sglang-lora';
const engineOf = (method: PublishMethod): 'vllm' | 'sglang' => (method.startsWith('vllm') ? 'vllm' : 'sglang');

export const PublishConfigSchema = z.strictObject({
  method: z
    .enum(PUBLISH_METHODS)
    .describe(
      'How each engine takes the new weights: vllm-lora (/v1/load_lora_adapter; worker started with --lora-rank), vllm-reload (/collective_rpc reload_weights, vLLM dev mode; full fine-tune), sglang-disk (/update_weights_from_disk; full fine-tune), sglang-lora (/load_lora_adapter)',
    ),
  dir: z
    .string()
    .min(1)
    .describe('Folder the worker writes step_<n>/ into and the engines read; relative to the config file; must be the same path on the trainer, worker and engine machines. The two newest step folders are kept'),
  loraName: z
    .string()
    .regex(/^[\w.-]+$/)
    .default('policy')
    .describe('LoRA methods: the adapter name. It is the model name workflows send (vLLM selects an adapter with "model": "<loraName>"; SGLang with "<base model>:<loraName>"); rollout.model defaults to it'),
  engineUrls: z
    .array(z.url({ protocol: /^https?$/ }))
    .min(1)
    .optional()
    .describe('Engines that get the weights; default: proxy.engine.upstreams (every replica). Required with proxy.url or proxy.urls'),
  timeoutMs: z.number().int().positive().default(600_000).describe('Longest wait for one engine call (reloading a large model takes minutes)'),
});

export type PublishConfig = z.infer<typeof PublishConfigSchema>;

/** What the cross-section checks read; a subset of the trainer configuration. */
type Sections = {
  proxy: { url?: string | undefined; urls?: readonly string[] | undefined; engine: { kind: string; mode: string } };
  rollout: { model?: string | undefined };
  learner: { type: string; colocated: boolean; publish?: PublishConfig | undefined };
};

export type ConfigProblem = { path: (string | number)[]; message: string };

/** Combinations that cannot work, each naming the key to change. */
export function publishProblems(config: Sections): ConfigProblem[] {
  const publish = config.learner.publish;
  if (publish === undefined) return [];
  const problems: ConfigProblem[] = [];
  const { method, loraName } = publish;
  if (config.learner.type !== 'worker') {
    problems.push({ path: ['learner', 'publish'], message: `needs learner.type: worker (the ${config.learner.type} learner trains no weights to publish)` });
  }
  if (config.learner.colocated) {
    problems.push({ path: ['learner', 'colocated'], message: 'must be false with learner.publish: a colocated worker serves generation itself and already holds its new weights' });
  }
  const external = externalProxyUrls(config.proxy).length > 0;
  if (external && publish.engineUrls === undefined) {
    problems.push({ path: ['learner', 'publish', 'engineUrls'], message: 'required with proxy.url or proxy.urls: the trainer does not know the engines behind those proxies' });
  }
  if (!external && config.proxy.engine.kind !== engineOf(method)) {
    problems.push({ path: ['learner', 'publish', 'method'], message: `${method} pushes weights to ${engineOf(method)}, but proxy.engine.kind is ${config.proxy.engine.kind}` });
  }
  const model = config.rollout.model;
  if (method === 'vllm-lora' && model !== undefined && model !== loraName) {
    problems.push({ path: ['rollout', 'model'], message: `with vllm-lora workflows must send the adapter name "${loraName}" (learner.publish.loraName) as the model; leave rollout.model unset or make it "${loraName}"` });
  }
  if (method === 'sglang-lora') {
    if (!external && config.proxy.engine.mode !== 'chat') {
      problems.push({ path: ['proxy', 'engine', 'mode'], message: 'must be chat with sglang-lora: SGLang selects an adapter from the chat request\'s model ("<base>:<adapter>"), and token mode\'s /generate does not carry it' });
    }
    if (model !== undefined && !model.endsWith(`:${loraName}`)) {
      problems.push({ path: ['rollout', 'model'], message: `with sglang-lora the model must be "<served base model>:${loraName}"; leave it unset to have it built from the engine's model` });
    }
    if (model === undefined && external) {
      problems.push({ path: ['rollout', 'model'], message: `required with sglang-lora and proxy.url or proxy.urls: "<served base model>:${loraName}"` });
    }
  }
  return problems;
}

/**
 * The model name workflows send when `rollout.model` is unset: the adapter for LoRA methods,
 * else the engine's served model. Null when the engine reported no model.
 */
export function policyModelName(publish: PublishConfig | undefined, engineModel: string | null): string | null {
  if (publish?.method === 'vllm-lora') return publish.loraName;
  if (publish?.method === 'sglang-lora') return engineModel === null ? null : `${engineModel}:${publish.loraName}`;
  return engineModel;
}
