/**
 * What every route handler gets: the frozen engine configuration, the tokenizer and the generator.
 */
import { randomUUID } from 'node:crypto';

import type { TemplateVariant } from './chat-template.ts';
import type { Generator } from './generator.ts';
import type { FakeTokenizer } from './tokenizer.ts';

export interface EngineConfig {
  readonly modelName: string;
  readonly maxModelLen: number;
  readonly templateVariant: TemplateVariant;
  readonly version: string;
  /** Tokens per streamed chunk (vLLM's stream interval). */
  readonly chunkTokens: number;
}

export interface EngineContext {
  readonly config: EngineConfig;
  readonly tokenizer: FakeTokenizer;
  readonly generator: Generator;
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
