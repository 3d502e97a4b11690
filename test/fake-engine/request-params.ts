/**
 * Reading and validating the request fields both generation endpoints share, with vLLM's messages
 * and `param` names (ChatCompletionRequest / CompletionRequest validators, SamplingParams checks,
 * vllm/renderers/params.py for the context-length check). Unknown fields pass silently, as in vLLM.
 */
import type { EngineContext } from './engine-context.ts';
import { badRequest, modelNotFound } from './errors.ts';
import { VOCAB_SIZE } from './tokenizer.ts';

export type JsonObject = Record<string, unknown>;

/** vLLM's `--max-logprobs` default. */
export const MAX_LOGPROBS = 20;

export function requireObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the request body must be a JSON object');
  }
  return body as JsonObject;
}

export function optionalInt(body: JsonObject, name: string): number | null {
  const value = body[name];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw badRequest(`\`${name}\` must be an integer.`, name);
  return value;
}

export function optionalNumber(body: JsonObject, name: string): number | null {
  const value = body[name];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`\`${name}\` must be a number.`, name);
  return value;
}

export function optionalBool(body: JsonObject, name: string): boolean | null {
  const value = body[name];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'boolean') throw badRequest(`\`${name}\` must be a boolean.`, name);
  return value;
}

/** `model` must be the served name, a loaded LoRA adapter, or absent/null (the base model). */
export function checkModel(body: JsonObject, ctx: EngineContext): void {
  const model = body['model'];
  if (model === null || model === undefined || (typeof model === 'string' && ctx.weights.serves(model, ctx.config.modelName))) return;
  throw modelNotFound(String(model));
}

export function readStop(body: JsonObject): string[] {
  const stop = body['stop'];
  if (stop === null || stop === undefined) return [];
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((item) => typeof item === 'string')) return stop as string[];
  throw badRequest('`stop` must be a string or a list of strings.', 'stop');
}

export function readStopTokenIds(body: JsonObject): number[] {
  const ids = body['stop_token_ids'];
  if (ids === null || ids === undefined) return [];
  if (Array.isArray(ids) && ids.every((id) => Number.isInteger(id))) return ids as number[];
  throw badRequest('`stop_token_ids` must be a list of integers.', 'stop_token_ids');
}

export interface StreamFlags {
  stream: boolean;
  includeUsage: boolean;
}

export function readStreamFlags(body: JsonObject): StreamFlags {
  const stream = optionalBool(body, 'stream') ?? false;
  const options = body['stream_options'];
  // Python truthiness: `stream_options: {}` passes like null does.
  const isSet = typeof options === 'object' && options !== null ? Object.keys(options).length > 0 : Boolean(options);
  if (isSet && !stream) {
    throw badRequest('Stream options can only be defined when `stream=True`.', 'stream_options');
  }
  const includeUsage = typeof options === 'object' && options !== null && (options as JsonObject)['include_usage'] === true;
  return { stream, includeUsage };
}

/** SamplingParams' own checks for the fields the fake honours. */
export function readSampling(body: JsonObject): { n: number; seed: number | null; temperature: number | null } {
  const n = optionalInt(body, 'n') ?? 1;
  if (n < 1) throw badRequest(`n must be at least 1, got ${n}.`, 'n');
  const temperature = optionalNumber(body, 'temperature');
  if (temperature !== null && temperature < 0) {
    throw badRequest(`temperature must be non-negative, got ${temperature}.`, 'temperature');
  }
  const topP = optionalNumber(body, 'top_p');
  if (topP !== null && (topP <= 0 || topP > 1)) throw badRequest(`top_p must be in (0, 1], got ${topP}.`, 'top_p');
  return { n, seed: optionalInt(body, 'seed'), temperature };
}

/** The number of logprobs asked for, checked against `--max-logprobs` (-1 = whole vocabulary). */
export function checkLogprobCount(count: number, param: string): number {
  if (count < 0 && count !== -1) throw badRequest(`\`${param}\` must be a positive value or -1.`, param);
  const requested = count === -1 ? VOCAB_SIZE : count;
  if (requested > MAX_LOGPROBS) {
    throw badRequest(
      `Requested sample logprobs of ${requested}, which is greater than max allowed: ${MAX_LOGPROBS}`,
      'logprobs',
    );
  }
  return requested;
}

/**
 * The output budget. With a requested maximum the renderer refuses `prompt + max > max_model_len`
 * (2026 wording, `param: "input_tokens"`). Without one the budget is what is left of the context;
 * a prompt that fills the context is refused with the same wording.
 */
export function resolveMaxTokens(promptLength: number, requested: number | null, maxModelLen: number, param: string): number {
  if (requested !== null) {
    if (requested < 1) throw badRequest(`max_tokens must be at least 1, got ${requested}.`, param);
    if (requested > maxModelLen) {
      // Verbatim, including the missing space: TokenizeParams.__post_init__ in vllm/renderers/params.py.
      throw badRequest(
        `${param}=${requested}cannot be greater than max_model_len=max_total_tokens=${maxModelLen}. ` +
          'Please request fewer output tokens.',
        param,
      );
    }
    if (promptLength + requested > maxModelLen) throw contextOverflow(promptLength, requested, maxModelLen);
    return requested;
  }
  if (promptLength >= maxModelLen) {
    // A prompt exactly at the limit leaves no room for one token; report it as asking for one.
    throw contextOverflow(promptLength, promptLength > maxModelLen ? 0 : 1, maxModelLen);
  }
  return maxModelLen - promptLength;
}

function contextOverflow(promptLength: number, requested: number, maxModelLen: number): Error {
  return badRequest(
    `You passed ${promptLength} input tokens and requested ${requested} output tokens. ` +
      `However, the model's context length is only ${maxModelLen} tokens, resulting in a maximum ` +
      `input length of ${maxModelLen - requested} tokens. Please reduce the length of the input prompt.`,
    'input_tokens',
  );
}

/** Generation options chat and completions read the same way (vLLM's SamplingParams extras). */
export function readOutputOptions(body: JsonObject) {
  return {
    stop: readStop(body),
    stopTokenIds: readStopTokenIds(body),
    includeStopStrInOutput: optionalBool(body, 'include_stop_str_in_output') ?? false,
    skipSpecialTokens: optionalBool(body, 'skip_special_tokens') ?? true,
  };
}

/** Which id fields both routes add to their answers. */
export function readIdFlags(body: JsonObject): { returnTokenIds: boolean; asTokenIds: boolean } {
  return {
    returnTokenIds: optionalBool(body, 'return_token_ids') ?? false,
    asTokenIds: optionalBool(body, 'return_tokens_as_token_ids') ?? false,
  };
}
