import { StreamingChatParser, type ChatDelta } from '../../../src/parsing/streaming-chat-parser.ts';
import type { ChatParseOptions } from '../../../src/parsing/chat-message-parser.ts';
import { toWireToolCallDelta } from '../../../src/parsing/tool-call.ts';
import type { ChatRequest, WireChunkChoice, WireLogprob } from '../../../src/wire/openai-chat.ts';
import type { GenerationDelta } from '../../drivers/driver-types.ts';
import { clientLogprobs, finishReasonFor, type AnswerMessage } from './token-answer.ts';

type Delta = WireChunkChoice['delta'];
type Logprobs = { content: WireLogprob[] } | null;

/**
 * One choice of a token-mode stream, as chat chunk entries in the order vLLM sends them
 * (`chat_completion_stream_generator` in vLLM `vllm/entrypoints/openai/chat_completion/serving.py`):
 *
 * 1. the role entry, `delta: {role: "assistant", content: ""}`, before anything else;
 * 2. text as the parser releases it, reasoning and content deltas (neighbouring text of one kind
 *    joined), then each tool call whole (`id`, `type`, `function.name` and `arguments`), after
 *    its text, once the output is finished (the parser's `on-finish` release);
 * 3. the finish entry, `delta: {}` with `finish_reason`, last.
 *
 * Every entry goes out as its own chunk, so a client reading `chunk.choices[0]` sees all of them
 * and their concatenation is the non-streaming message. Client-visible logprobs of an engine
 * event's tokens ride on the first entry made for that event; tokens whose text the parser holds
 * back (a possible tag, the EOS) get an entry with an empty delta, or ride on the finish entry.
 *
 * The message for the record is summed from the same deltas, so the completion is parsed once.
 */
export class ChoiceChunks {
  private readonly parser: StreamingChatParser;
  private started = false;
  private content = '';
  private reasoning = '';

  constructor(
    private readonly index: number,
    private readonly request: ChatRequest,
    options: ChatParseOptions,
  ) {
    this.parser = new StreamingChatParser(options);
  }

  /** The entries for one engine event of this choice, in order. */
  take(delta: GenerationDelta): WireChunkChoice[] {
    const entries: WireChunkChoice[] = [];
    if (!this.started) {
      this.started = true;
      entries.push(this.entry({ role: 'assistant', content: '' }, null));
    }
    const pieces = this.parser.push(delta.text);
    if (delta.finishReason !== null) pieces.push(...this.parser.finish());
    let logprobs: Logprobs = delta.completionIds.length > 0 ? clientLogprobs(this.request, delta) : null;
    for (const piece of this.deltas(pieces)) {
      entries.push(this.entry(piece, logprobs));
      logprobs = null;
    }
    if (delta.finishReason !== null) {
      const reason = finishReasonFor(this.request, delta.finishReason, this.parser.summary.finishReason);
      entries.push({ ...this.entry({}, logprobs), finish_reason: reason });
    } else if (logprobs !== null) {
      entries.push(this.entry({}, logprobs));
    }
    return entries;
  }

  private entry(delta: Delta, logprobs: Logprobs): WireChunkChoice {
    return { index: this.index, delta, logprobs, finish_reason: null };
  }

  /** Neighbouring text of one kind becomes one delta; each tool call is its own. */
  private deltas(pieces: readonly ChatDelta[]): Delta[] {
    const out: Delta[] = [];
    for (const piece of pieces) {
      const last = out.at(-1);
      if ('content' in piece) {
        this.content += piece.content;
        if (last !== undefined && typeof last.content === 'string') last.content += piece.content;
        else out.push({ content: piece.content });
      } else if ('reasoning' in piece) {
        this.reasoning += piece.reasoning;
        if (last !== undefined && typeof last.reasoning === 'string') last.reasoning += piece.reasoning;
        else out.push({ reasoning: piece.reasoning });
      } else {
        out.push({ tool_calls: [toWireToolCallDelta(piece.toolCall)] });
      }
    }
    return out;
  }

  /** The whole message, summed from what was streamed (what a `choices[0]` reader assembled). */
  message(): AnswerMessage & { malformedToolCall: string | null } {
    const summary = this.parser.summary;
    return {
      content: this.content === '' ? null : this.content,
      reasoning: summary.hasReasoning ? this.reasoning : null,
      toolCalls: summary.toolCalls,
      finishReason: summary.finishReason,
      malformedToolCall: summary.malformedToolCall,
    };
  }
}
