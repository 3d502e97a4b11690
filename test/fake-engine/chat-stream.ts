/**
 * The `chat.completion.chunk` events of a streamed chat completion, as vLLM's
 * `chat_completion_stream_generator` (`vllm/entrypoints/openai/chat_completion/serving.py`) emits them:
 *
 * 1. per choice a first chunk `delta: {role: "assistant", content: ""}`, `logprobs: null`,
 *    `finish_reason: null`, chunk-level `prompt_token_ids` (null unless `return_token_ids`);
 * 2. per step of `chunkTokens` tokens a chunk with that step's delta, logprobs and `token_ids`;
 *    with a parser active, a step that produces no delta is dropped — tokens, logprobs and all —
 *    unless `return_token_ids` is on, in which case it is sent with `delta: {}`;
 * 3. the last step of a choice carries `finish_reason` and `stop_reason`;
 * 4. with `include_usage` a `choices: []` usage chunk (nulls dropped); then `[DONE]`.
 *
 * Chunks are serialised like `model_dump_json(exclude_unset=True)`: fields vLLM never sets are
 * absent, fields it sets to None are null. Choices interleave step by step, as engine steps do.
 */
import type { PreparedChat } from './chat-request.ts';
import { usageOf } from './chat-response.ts';
import type { GeneratedChoice } from './generator.ts';
import { chatLogprobEntries } from './logprobs-format.ts';
import { tokenRegions, type TokenRegion } from './reasoning.ts';
import type { FakeTokenizer } from './tokenizer.ts';
import { DONE_EVENT, type StreamEvent } from './sse-writer.ts';
import { HermesStreamParser } from './tool-parser.ts';

type Delta = Record<string, unknown>;

class ChoiceStream {
  readonly #regions: TokenRegion[] | null;
  readonly #hermes: HermesStreamParser | null;
  #contentSoFar = '';
  toolsStreamed = false;

  constructor(
    readonly choice: GeneratedChoice,
    toolsActive: boolean,
  ) {
    this.#regions = tokenRegions(choice.tokenIds);
    this.#hermes = toolsActive ? new HermesStreamParser() : null;
  }

  /** The delta for tokens [from, to), or null when the parsers have nothing to send. */
  delta(from: number, to: number): Delta | null {
    let reasoning: string | null = null;
    let content: string | null = null;
    for (let i = from; i < to; i += 1) {
      const region = this.#regions?.[i] ?? 'content';
      const text = this.choice.textDeltas[i] ?? '';
      if (region === 'reasoning') reasoning = (reasoning ?? '') + text;
      else if (region === 'content') content = (content ?? '') + text;
    }
    if (this.#regions === null && this.#hermes === null) return { content: content ?? '' };
    const delta: Delta = {};
    if (reasoning !== null) delta['reasoning'] = reasoning;
    if (content !== null && this.#hermes === null) delta['content'] = content;
    if (content !== null && this.#hermes !== null) {
      this.#contentSoFar += content;
      const parsed = this.#hermes.update(this.#contentSoFar);
      if (parsed !== null) {
        delta['content'] = parsed.content;
        if (parsed.toolCalls.length > 0) {
          delta['tool_calls'] = parsed.toolCalls;
          this.toolsStreamed = true;
        }
      }
    }
    return Object.keys(delta).length > 0 ? delta : null;
  }
}

export function chatStreamEvents(tokenizer: FakeTokenizer, model: string, prepared: PreparedChat, chunkTokens: number): StreamEvent[] {
  const head = { id: prepared.id, object: 'chat.completion.chunk', created: prepared.created, model };
  const event = (choices: unknown[], extra: object = {}, tokens = 0): StreamEvent => ({
    data: JSON.stringify({ ...head, choices, ...extra }),
    tokens,
  });
  const events: StreamEvent[] = prepared.choices.map((choice) =>
    event([{ index: choice.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], {
      prompt_token_ids: prepared.returnTokenIds ? prepared.prompt.ids : null,
    }),
  );
  const streams = prepared.choices.map((choice) => new ChoiceStream(choice, prepared.prompt.toolsActive));
  const steps = Math.max(0, ...prepared.choices.map((choice) => Math.ceil(choice.tokenIds.length / chunkTokens)));
  for (let step = 0; step < steps; step += 1) {
    for (const stream of streams) {
      const { choice } = stream;
      const from = step * chunkTokens;
      const to = Math.min(from + chunkTokens, choice.tokenIds.length);
      if (from >= to) continue;
      const finished = to === choice.tokenIds.length;
      const delta = stream.delta(from, to) ?? (finished || prepared.returnTokenIds ? {} : null);
      if (delta === null) continue;
      const ids = choice.tokenIds.slice(from, to);
      const run = { ids, logprobs: choice.logprobs.slice(from, to), alternatives: choice.alternatives.slice(from, to) };
      const body: Record<string, unknown> = {
        index: choice.index,
        delta,
        logprobs: prepared.topLogprobs === null ? null : { content: chatLogprobEntries(tokenizer, run, prepared.topLogprobs, prepared.asTokenIds) },
        finish_reason: null,
      };
      if (finished) {
        const toolCalls = stream.toolsStreamed && !prepared.prompt.namedToolChoice && choice.finishReason === 'stop';
        body['finish_reason'] = toolCalls ? 'tool_calls' : choice.finishReason;
        body['stop_reason'] = choice.stopReason;
      }
      body['token_ids'] = prepared.returnTokenIds ? ids : null;
      events.push(event([body], {}, ids.length));
    }
  }
  if (prepared.includeUsage) events.push(event([], { usage: usageOf(prepared.prompt.ids.length, prepared.choices, false) }));
  events.push(DONE_EVENT);
  return events;
}
