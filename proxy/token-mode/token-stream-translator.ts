import { StreamingChatParser, type ChatDelta } from '../../src/parsing/streaming-chat-parser.ts';
import { parseCompletionText, type ChatParseOptions, type ParsedChatMessage } from '../../src/parsing/chat-message-parser.ts';
import type { ChatRequest, WireChunkChoice, WireChunkToolCallDelta } from '../../src/wire/openai-chat.ts';
import type { GenerationDelta } from '../drivers/driver-types.ts';
import { clientLogprobs, finishReasonFor } from './token-response.ts';

type ChoiceState = { parser: StreamingChatParser; started: boolean; toolCalls: number };

/**
 * Turns streamed completion pieces into OpenAI chat chunk choices as text arrives: a role chunk
 * first, then content and reasoning deltas, each tool call whole once its closing tag arrived,
 * and the finish reason last. Logprobs for the client ride on the chunk of their tokens.
 */
export class TokenStreamTranslator {
  private readonly choices = new Map<number, ChoiceState>();

  constructor(private readonly request: ChatRequest, private readonly parseOptions: ChatParseOptions) {}

  private state(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (state === undefined) {
      state = { parser: new StreamingChatParser(this.parseOptions), started: false, toolCalls: 0 };
      this.choices.set(index, state);
    }
    return state;
  }

  translate(delta: GenerationDelta): WireChunkChoice[] {
    const state = this.state(delta.index);
    const out: WireChunkChoice[] = [];
    if (!state.started) {
      state.started = true;
      out.push({ index: delta.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null });
    }
    const pieces = state.parser.push(delta.text);
    if (delta.finishReason !== null) pieces.push(...state.parser.finish());
    const logprobs = delta.completionIds.length > 0 ? clientLogprobs(this.request, delta) : null;
    const merged = this.merge(state, pieces);
    if (merged.length > 0 || logprobs !== null) {
      const [first, ...rest] = merged.length > 0 ? merged : [{}];
      out.push({ index: delta.index, delta: first ?? {}, logprobs, finish_reason: null });
      for (const d of rest) out.push({ index: delta.index, delta: d, finish_reason: null });
    }
    if (delta.finishReason !== null) {
      const reason = finishReasonFor(this.request, delta.finishReason, state.parser.summary.finishReason);
      out.push({ index: delta.index, delta: {}, finish_reason: reason });
    }
    return out;
  }

  /** Consecutive text pieces of one kind become one delta; each tool call is its own delta. */
  private merge(state: ChoiceState, pieces: ChatDelta[]): WireChunkChoice['delta'][] {
    const deltas: WireChunkChoice['delta'][] = [];
    for (const piece of pieces) {
      const last = deltas.at(-1);
      if ('content' in piece) {
        if (last !== undefined && typeof last.content === 'string' && last.tool_calls === undefined) last.content += piece.content;
        else deltas.push({ content: piece.content });
      } else if ('reasoning' in piece) {
        if (last !== undefined && typeof last.reasoning === 'string') last.reasoning += piece.reasoning;
        else deltas.push({ reasoning: piece.reasoning });
      } else {
        const call: WireChunkToolCallDelta = {
          index: state.toolCalls++,
          id: piece.toolCall.id,
          type: 'function',
          function: { name: piece.toolCall.name, arguments: piece.toolCall.arguments },
        };
        deltas.push({ tool_calls: [call] });
      }
    }
    return deltas;
  }

  malformedToolCall(): string | null {
    for (const state of this.choices.values()) {
      const reason = state.parser.summary.malformedToolCall;
      if (reason !== null) return reason;
    }
    return null;
  }

  /**
   * The whole message of a choice, for the record: the non-streaming parse of its full text,
   * which equals what was streamed, with the tool-call ids the client was sent.
   */
  parsed(index: number, text: string): ParsedChatMessage {
    const streamedIds = (this.choices.get(index)?.parser.summary.toolCalls ?? []).map((call) => call.id);
    let next = 0;
    return parseCompletionText(text, { ...this.parseOptions, newToolCallId: () => streamedIds[next++] ?? `call_${index}_${next}` });
  }
}
