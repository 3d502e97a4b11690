import type { EngineKind } from '../../src/config/proxy-config.ts';
import type { ChatMessage, ChatRequest } from '../../src/wire/openai-chat.ts';
import type { SamplingPolicy } from '../../src/wire/admin.ts';
import type { Usage } from '../../src/store/records.ts';
import type { CallCapture } from '../capture/call-capture.ts';
import type { EngineRequest, EngineResponse } from '../upstream/engine-pool.ts';

/**
 * What an engine driver provides. A driver is a folder under `proxy/drivers/`: its request
 * mapping as data, its response and stream mapping as functions. `chat` is the pass-through
 * mode (the engine renders the prompt and parses the answer); `token` is token mode (the proxy
 * renders, the engine generates from token ids, the proxy parses).
 */

/** Sends one request to the replica serving the current rollout. */
export type EngineHttp = (request: EngineRequest) => Promise<EngineResponse>;

export type ChatDriver = {
  path: string;
  /** False for engines that cannot give token ids (text-only): calls are never trainable. */
  capturesTokens: boolean;
  buildRequest(client: ChatRequest, policy: SamplingPolicy, maxTokensCap: number | undefined): Record<string, unknown>;
  captureUnary(body: unknown): CallCapture;
  newStreamCapture(): { push(payload: unknown): void; result(): CallCapture };
  /** Engines whose chat answer lacks prompt ids get them by extra requests (llama.cpp). */
  completePromptIds?(http: EngineHttp, sent: Record<string, unknown>, signal: AbortSignal): Promise<number[] | null>;
  /**
   * Counts a request's prompt tokens exactly as the engine will render them, for an explicit
   * completion budget; `promptIds` when counting gave them. Absent where no exact count exists
   * before sending (then an unbounded turn keeps the engine's own bound).
   */
  countPromptTokens?(http: EngineHttp, request: ChatRequest, signal: AbortSignal): Promise<PromptCount>;
};

export type PromptCount = { count: number; promptIds: number[] | null };

export type RenderRequest = {
  messages: readonly ChatMessage[];
  tools: unknown;
  addGenerationPrompt: boolean;
  chatTemplateKwargs: Record<string, unknown> | undefined;
};

/** Sampling as token mode sends it: the rollout policy merged over the client's request. */
export type GenerateRequest = {
  /** The model the client named; vLLM serves a loaded LoRA adapter under its name, SGLang and llama.cpp ignore it. */
  model: string | undefined;
  promptIds: number[];
  /** Always explicit: engines default to 16 (vLLM /v1/completions) or 128 (SGLang /generate). */
  maxTokens: number;
  temperature: number | undefined;
  topP: number | undefined;
  topK: number | undefined;
  minP: number | undefined;
  seed: number | undefined;
  n: number;
  stop: string[] | undefined;
  topLogprobs: number;
  stream: boolean;
};

export type GenerationChoice = {
  index: number;
  completionIds: number[];
  logprobs: number[];
  /** The engine's string for each token, where it sends them (for client-visible logprobs). */
  tokens: string[];
  text: string;
  finishReason: string | null;
  /** What stopped a 'stop' finish: null for the model's EOS, else the stop string or token. */
  stopReason: string | number | null;
};

export type Generation = { promptIds: number[] | null; choices: GenerationChoice[]; usage: Usage | null };

/** A piece of a streamed generation for one choice. */
export type GenerationDelta = { index: number; text: string; completionIds: number[]; logprobs: number[]; tokens: string[]; finishReason: string | null; stopReason: string | number | null };

export type GenerationStream = { push(payload: unknown): GenerationDelta[]; result(): Generation };

export type TokenDriver = {
  render(http: EngineHttp, request: RenderRequest, signal: AbortSignal): Promise<number[]>;
  tokenizeText(http: EngineHttp, text: string, signal: AbortSignal): Promise<number[]>;
  generatePath: string;
  /** The field of the generate body that holds the prompt ids (stored once, in the ids blob). */
  promptField: string;
  buildGenerateBody(request: GenerateRequest): Record<string, unknown>;
  readGeneration(body: unknown): Generation;
  newGenerationStream(): GenerationStream;
  /** The engine's stream ends without `data: [DONE]` (llama.cpp native /completion). */
  streamEndsWithoutDone?: boolean;
};

export type EngineCapabilities = {
  version: string | null;
  models: string[];
  maxModelLen: number | null;
  /** The vocabulary size where the engine tells it (llama.cpp's `n_vocab`): token ids must be below it. */
  vocabSize?: number | null;
  chatTokenIds: boolean;
  tokenMode: boolean;
  /** What each mode still needs on this engine, in words (null when it works), for start-up errors. */
  needs?: { token: string | null; chat: string | null };
};

export type EngineDriver = {
  kind: EngineKind;
  chat: ChatDriver | null;
  token: TokenDriver | null;
  /** Probes the engine (at start, or when a replica first passes a health check); throws a clear error when it cannot serve the configured mode. */
  detect(http: EngineHttp): Promise<EngineCapabilities>;
};
