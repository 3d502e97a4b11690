/**
 * What every route handler gets: the frozen engine configuration, the tokenizer, the generator and
 * the weight state (the one mutable part: adapters come and go).
 */
import { randomUUID } from 'node:crypto';

import type { TemplateVariant } from './chat-template.ts';
import type { Generator } from './generator.ts';
import type { FakeTokenizer } from './tokenizer.ts';
import type { WeightState } from './weight-state.ts';

export interface EngineConfig {
  readonly modelName: string;
  readonly maxModelLen: number;
  readonly templateVariant: TemplateVariant;
  readonly version: string;
  /** Tokens per streamed chunk (vLLM's stream interval). */
  readonly chunkTokens: number;
  /** `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True`: the LoRA load/unload routes exist. */
  readonly runtimeLoraUpdating: boolean;
  /** `VLLM_SERVER_DEV_MODE=1`: `/collective_rpc` and `/reset_prefix_cache` exist. */
  readonly devMode: boolean;
}

export interface EngineContext {
  readonly config: EngineConfig;
  readonly tokenizer: FakeTokenizer;
  readonly generator: Generator;
  /** Loaded LoRA adapters and the weight updates received. */
  readonly weights: WeightState;
}

/** vLLM's `random_uuid()`: a uuid4 as 32 hex digits. */
export function randomHexId(): string {
  return randomUUID().replaceAll('-', '');
}

/** The response id: `<prefix>-<X-Request-Id header | request_id field | random>`. */
export function responseId(prefix: string, headerId: string | undefined, bodyId: unknown): string {
  if (headerId !== undefined && headerId !== '') return `${prefix}-${headerId}`;
  if (typeof bodyId === 'string' && bodyId !== '') return `${prefix}-${bodyId}`;
  return `${prefix}-${randomHexId()}`;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
