/**
 * `GET /v1/models` and `GET /version` bodies (vllm/entrypoints/openai/models/serving.py,
 * vllm/entrypoints/serve/instrumentator/basic.py). The base model's card carries `max_model_len`,
 * `owned_by: "vllm"`, `root` (the model path) and `parent: null`, with one default permission.
 * Each loaded LoRA adapter follows as a card with `root` = its folder, `parent` = the base model
 * and no `max_model_len` (null).
 */
import { type EngineConfig, randomHexId, unixSeconds } from './engine-context.ts';
import type { LoadedAdapter } from './weight-state.ts';

export interface ModelPermission {
  id: string;
  object: 'model_permission';
  created: number;
  allow_create_engine: boolean;
  allow_sampling: boolean;
  allow_logprobs: boolean;
  allow_search_indices: boolean;
  allow_view: boolean;
  allow_fine_tuning: boolean;
  organization: string;
  group: string | null;
  is_blocking: boolean;
}

export interface ModelCard {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'vllm';
  root: string;
  parent: string | null;
  max_model_len: number | null;
  permission: ModelPermission[];
}

export function modelListBody(config: EngineConfig, adapters: readonly LoadedAdapter[]): { object: 'list'; data: ModelCard[] } {
  const created = unixSeconds();
  const permission = (): ModelPermission => ({
    id: `modelperm-${randomHexId()}`,
    object: 'model_permission',
    created,
    allow_create_engine: false,
    allow_sampling: true,
    allow_logprobs: true,
    allow_search_indices: false,
    allow_view: true,
    allow_fine_tuning: false,
    organization: '*',
    group: null,
    is_blocking: false,
  });
  const card: ModelCard = {
    id: config.modelName,
    object: 'model',
    created,
    owned_by: 'vllm',
    root: config.modelName,
    parent: null,
    max_model_len: config.maxModelLen,
    permission: [permission()],
  };
  const adapterCards = adapters.map(
    (adapter): ModelCard => ({ id: adapter.name, object: 'model', created: adapter.created, owned_by: 'vllm', root: adapter.path, parent: config.modelName, max_model_len: null, permission: [permission()] }),
  );
  return { object: 'list', data: [card, ...adapterCards] };
}

export function versionBody(config: EngineConfig): { version: string } {
  return { version: config.version };
}
