import type { WireChatChunk, WireChunkChoice, WireToolCall } from '../../src/wire/openai-chat.ts';
import { toUsage, type CallCapture } from './call-capture.ts';
import { logprobValues } from './chat-completion-capture.ts';

type ChoiceState = {
  index: number;
  content: string;
  reasoning: string;
  hasContent: boolean;
  toolCalls: WireToolCall[];
  completionIds: number[];
  logprobs: number[];
  finishReason: string | null;
  stopReason: string | number | null;
};

function newChoice(index: number): ChoiceState {
  return {
    index,
    content: '',
    reasoning: '',
    hasContent: false,
    toolCalls: [],
    completionIds: [],
    logprobs: [],
    finishReason: null,
    stopReason: null,
  };
}

/**
 * Rebuilds a streamed chat completion from its chunks: per choice, token ids and logprobs are
 * concatenated over the chunks (vLLM sends per-chunk deltas) and the message is reassembled,
 * tool-call argument fragments included.
 */
export class ChatStreamCapture {
  private promptIds: number[] | null = null;
  private readonly choices = new Map<number, ChoiceState>();
  private usage: CallCapture['usage'] = null;
  private id = '';
  private model = '';
  private created = 0;

  push(chunk: WireChatChunk): void {
    if (this.id === '' && typeof chunk.id === 'string') {
      this.id = chunk.id;
      this.model = chunk.model;
      this.created = chunk.created;
    }
    if (Array.isArray(chunk.prompt_token_ids) && this.promptIds === null) this.promptIds = chunk.prompt_token_ids;
    if (chunk.usage) this.usage = toUsage(chunk.usage);
    for (const delta of chunk.choices ?? []) this.pushChoice(delta);
  }

  private pushChoice(delta: WireChunkChoice): void {
    let state = this.choices.get(delta.index);
    if (state === undefined) {
      state = newChoice(delta.index);
      this.choices.set(delta.index, state);
    }
    if (Array.isArray(delta.token_ids)) state.completionIds.push(...delta.token_ids);
    state.logprobs.push(...logprobValues(delta.logprobs?.content));
    const message = delta.delta ?? {};
    if (typeof message.content === 'string') {
      state.content += message.content;
      state.hasContent ||= message.content.length > 0;
    }
    const reasoning = message.reasoning ?? message.reasoning_content;
    if (typeof reasoning === 'string') state.reasoning += reasoning;
    for (const call of message.tool_calls ?? []) {
      const existing = state.toolCalls[call.index];
      if (existing === undefined) {
        state.toolCalls[call.index] = {
          id: call.id ?? '',
          type: 'function',
          function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' },
        };
      } else {
        if (call.id) existing.id = call.id;
        if (call.function?.name) existing.function.name += call.function.name;
        if (call.function?.arguments) existing.function.arguments += call.function.arguments;
      }
    }
    if (delta.finish_reason) state.finishReason = delta.finish_reason;
    if (delta.stop_reason !== undefined && delta.stop_reason !== null) state.stopReason = delta.stop_reason;
  }

  result(): CallCapture {
    const states = [...this.choices.values()].sort((a, b) => a.index - b.index);
    return {
      promptIds: this.promptIds,
      choices: states.map((s) => ({
        index: s.index,
        completionIds: s.completionIds,
        logprobs: s.logprobs,
        finishReason: s.finishReason,
      })),
      usage: this.usage,
      response: {
        id: this.id,
        model: this.model,
        created: this.created,
        choices: states.map((s) => ({
          index: s.index,
          message: {
            role: 'assistant',
            content: s.hasContent ? s.content : null,
            ...(s.reasoning === '' ? {} : { reasoning: s.reasoning }),
            tool_calls: s.toolCalls.filter((call) => call !== undefined),
          },
          finish_reason: s.finishReason,
          stop_reason: s.stopReason,
        })),
        usage: this.usage,
      },
    };
  }
}
