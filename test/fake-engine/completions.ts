/**
 * `/v1/completions` (vLLM `vllm/entrypoints/openai/completion/{protocol,serving}.py`): token-id
 * or text prompts, `max_tokens` defaulting to 16, `logprobs` as an int giving the legacy
 * `{text_offset, token_logprobs, tokens, top_logprobs}`, and per choice `token_ids`,
 * `prompt_token_ids`, `prompt_logprobs`. Choices run across prompts × n. Stream chunks carry
 * every field (null when unused, `exclude_unset=False`), `prompt_token_ids` only on a choice's
 * first chunk, delta `token_ids` on each.
 */
import { usageOf } from './chat-response.ts';
import { type CompletionPrompt, readCompletionPrompts } from './completion-prompts.ts';
import { type EngineContext, responseId, unixSeconds } from './engine-context.ts';
import { badRequest } from './errors.ts';
import type { GeneratedChoice } from './generator.ts';
import { toWireJson } from './http-io.ts';
import { completionLogprobs } from './logprobs-format.ts';
import {
  checkLogprobCount,
  checkModel,
  optionalInt,
  readSampling,
  readIdFlags,
  readOutputOptions,
  readStreamFlags,
  requireObject,
  resolveMaxTokens,
} from './request-params.ts';
import { DONE_EVENT, type StreamEvent } from './sse-writer.ts';

export interface CompletionChoice {
  index: number;
  prompt: CompletionPrompt;
  generated: GeneratedChoice;
}

export interface PreparedCompletion {
  id: string;
  created: number;
  prompts: CompletionPrompt[];
  choices: CompletionChoice[];
  logprobs: number | null;
  returnTokenIds: boolean;
  asTokenIds: boolean;
  stream: boolean;
  includeUsage: boolean;
}

export function prepareCompletion(ctx: EngineContext, rawBody: unknown, headerRequestId?: string): PreparedCompletion {
  const body = requireObject(rawBody);
  checkModel(body, ctx);
  const streamFlags = readStreamFlags(body);
  const logprobsField = optionalInt(body, 'logprobs');
  const logprobs = logprobsField === null ? null : checkLogprobCount(logprobsField, 'logprobs');
  const sampling = readSampling(body);
  if (body['suffix'] !== null && body['suffix'] !== undefined) throw badRequest('suffix is not currently supported', 'suffix');
  if (body['echo'] === true) throw badRequest('fake engine: echo is not supported', 'echo');
  if (body['prompt_logprobs'] !== null && body['prompt_logprobs'] !== undefined) {
    throw badRequest('fake engine: prompt_logprobs is not supported', 'prompt_logprobs');
  }
  const prompts = readCompletionPrompts(ctx.tokenizer, body['prompt']);
  const requested = optionalInt(body, 'max_tokens') ?? 16;
  const output = readOutputOptions(body);
  const choices: CompletionChoice[] = [];
  for (const prompt of prompts) {
    const maxTokens = resolveMaxTokens(prompt.ids.length, requested, ctx.config.maxModelLen, 'max_tokens');
    const generated = ctx.generator.generate(prompt.ids, prompt.text, {
      ...sampling,
      maxTokens,
      ...output,
      alternatives: logprobs ?? 0,
    });
    for (const choice of generated) choices.push({ index: choices.length, prompt, generated: choice });
  }
  return {
    id: responseId('cmpl', headerRequestId, body['request_id']),
    created: unixSeconds(),
    prompts,
    choices,
    logprobs,
    ...readIdFlags(body),
    stream: streamFlags.stream,
    includeUsage: streamFlags.includeUsage,
  };
}

function promptTokenCount(prepared: PreparedCompletion): number {
  return prepared.prompts.reduce((sum, prompt) => sum + prompt.ids.length, 0);
}

/** Python `len()`: code points. */
function pyLength(text: string): number {
  return [...text].length;
}

export function completionBodyJson(ctx: EngineContext, prepared: PreparedCompletion): string {
  return toWireJson({
    id: prepared.id,
    object: 'text_completion',
    created: prepared.created,
    model: ctx.config.modelName,
    choices: prepared.choices.map(({ index, prompt, generated }) => ({
      index,
      text: generated.text,
      logprobs:
        prepared.logprobs === null
          ? null
          : completionLogprobs(ctx.tokenizer, { ids: generated.tokenIds, logprobs: generated.logprobs, alternatives: generated.alternatives }, prepared.logprobs, prepared.asTokenIds, 0),
      finish_reason: generated.finishReason,
      stop_reason: generated.stopReason,
      token_ids: prepared.returnTokenIds ? generated.tokenIds : null,
      prompt_logprobs: null,
      prompt_token_ids: prepared.returnTokenIds ? prompt.ids : null,
    })),
    service_tier: null,
    system_fingerprint: null,
    usage: usageOf(promptTokenCount(prepared), prepared.choices.map((choice) => choice.generated), true),
    kv_transfer_params: null,
  });
}

export function completionStreamEvents(ctx: EngineContext, prepared: PreparedCompletion): StreamEvent[] {
  const head = { id: prepared.id, object: 'text_completion', created: prepared.created, model: ctx.config.modelName };
  const k = ctx.config.chunkTokens;
  const events: StreamEvent[] = [];
  const textSoFar = prepared.choices.map(() => 0);
  const steps = Math.max(0, ...prepared.choices.map((choice) => Math.ceil(choice.generated.tokenIds.length / k)));
  for (let step = 0; step < steps; step += 1) {
    for (const { index, prompt, generated } of prepared.choices) {
      const from = step * k;
      const to = Math.min(from + k, generated.tokenIds.length);
      if (from >= to) continue;
      const finished = to === generated.tokenIds.length;
      const ids = generated.tokenIds.slice(from, to);
      const text = generated.textDeltas.slice(from, to).join('');
      const run = { ids, logprobs: generated.logprobs.slice(from, to), alternatives: generated.alternatives.slice(from, to) };
      const logprobs =
        prepared.logprobs === null
          ? null
          : completionLogprobs(ctx.tokenizer, run, prepared.logprobs, prepared.asTokenIds, textSoFar[index] ?? 0);
      textSoFar[index] = (textSoFar[index] ?? 0) + pyLength(text);
      const choice = {
        index,
        text,
        logprobs,
        finish_reason: finished ? generated.finishReason : null,
        stop_reason: finished ? generated.stopReason : null,
        prompt_token_ids: prepared.returnTokenIds && step === 0 ? prompt.ids : null,
        token_ids: prepared.returnTokenIds ? ids : null,
      };
      events.push({ data: toWireJson({ ...head, choices: [choice], usage: null }), tokens: ids.length });
    }
  }
  if (prepared.includeUsage) {
    const usage = usageOf(promptTokenCount(prepared), prepared.choices.map((choice) => choice.generated), false);
    events.push({ data: JSON.stringify({ ...head, choices: [], usage }), tokens: 0 });
  }
  events.push(DONE_EVENT);
  return events;
}
