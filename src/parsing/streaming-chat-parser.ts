import { RollcallError } from '../errors/rollcall-error.ts';
import type { WireToolCall } from '../wire/openai-chat.ts';
import { selectToolDialect } from './chat-message-parser.ts';
import type { ChatParseOptions } from './chat-message-parser.ts';
import { StreamingReasoningSplitter } from './streaming-reasoning-splitter.ts';
import { StreamingToolScanner } from './streaming-tool-scanner.ts';
import type { ScannerDelta, StreamedToolCall, ToolReleaseMode } from './streaming-tool-scanner.ts';
import { createToolCallId, toWireToolCall } from './tool-call.ts';

/**
 * `parseCompletionText` for streams: completion text goes in as the engine generates it, chat
 * deltas come out. The contract, tested over every split point: for any text and any way of
 * cutting it into pieces, the concatenated content and reasoning deltas and the tool calls equal
 * what `parseCompletionText` returns for the whole text (in the default `on-finish` release mode;
 * see `streaming-tool-scanner.ts` for `on-close`).
 *
 * Held back until the next piece decides: text that could start a tag (`<think>`, `</think>`,
 * `<tool_call>`, `<function=`), blank text that may turn out to be dropped, and a UTF-16 high
 * surrogate whose pair has not arrived (so no delta ever carries half a character).
 */

/** One piece of the streamed assistant message. A tool call always comes whole. */
export type ChatDelta = { content: string } | { reasoning: string } | { toolCall: StreamedToolCall };

export type StreamingChatParseOptions = ChatParseOptions & {
  /** When complete tool calls are released; default `on-finish` (see `streaming-tool-scanner.ts`). */
  releaseToolCalls?: ToolReleaseMode;
};

/** What is known about the whole output once `finish()` has run. */
export type StreamingChatSummary = {
  toolCalls: WireToolCall[];
  rawToolArguments: string[];
  malformedToolCall: string | null;
  /** A reasoning block opened: the parse's `reasoning` is a string (maybe empty), not null. */
  hasReasoning: boolean;
  unterminatedReasoning: boolean;
  finishReason: 'tool_calls' | null;
};

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Joins neighbouring text deltas of one kind and drops empty ones. */
function compact(deltas: readonly (ChatDelta | ScannerDelta)[]): ChatDelta[] {
  const out: ChatDelta[] = [];
  for (const delta of deltas) {
    const last = out[out.length - 1];
    if ('content' in delta) {
      if (delta.content === '') continue;
      if (last !== undefined && 'content' in last) last.content += delta.content;
      else out.push({ content: delta.content });
    } else if ('reasoning' in delta) {
      if (delta.reasoning === '') continue;
      if (last !== undefined && 'reasoning' in last) last.reasoning += delta.reasoning;
      else out.push({ reasoning: delta.reasoning });
    } else {
      out.push(delta);
    }
  }
  return out;
}

/**
 * Incremental completion-text parser; one instance per choice of one call.
 *
 * @example
 * const parser = new StreamingChatParser({ toolParser: 'hermes', reasoning: true });
 * parser.push('<think>\nok\n</thi'); // → [{ reasoning: '\nok\n' }]
 * parser.push('nk>\n\nHi <tool_call>{"name":"f","arguments":{}}</tool_call>'); // → [{ content: 'Hi ' }]
 * parser.finish(); // → [{ toolCall: { index: 0, id: 'call_…', name: 'f', arguments: '{}', rawArguments: '{}' } }]
 */
export class StreamingChatParser {
  readonly #splitter: StreamingReasoningSplitter | null;
  readonly #scanner: StreamingToolScanner;
  #pendingSurrogate = '';
  #finished = false;

  constructor(options: StreamingChatParseOptions) {
    const reasoning = { startsInReasoning: options.startsInReasoning ?? false, tags: options.reasoningTags };
    this.#splitter = options.reasoning ? new StreamingReasoningSplitter(reasoning) : null;
    this.#scanner = new StreamingToolScanner(
      selectToolDialect(options.toolParser, options.tools),
      options.newToolCallId ?? createToolCallId,
      options.releaseToolCalls ?? 'on-finish',
    );
  }

  /** Feeds the next piece of completion text; returns what can be released now. */
  push(textDelta: string): ChatDelta[] {
    if (this.#finished) {
      throw new RollcallError('RC_ERR_SERVER_INTERNAL', { detail: 'StreamingChatParser.push() after finish()' });
    }
    let text = this.#pendingSurrogate + textDelta;
    this.#pendingSurrogate = '';
    if (text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1))) {
      this.#pendingSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    return this.#run(text, false);
  }

  /** Ends the output: releases everything held back. A second call returns nothing. */
  finish(): ChatDelta[] {
    if (this.#finished) return [];
    const text = this.#pendingSurrogate;
    this.#pendingSurrogate = '';
    const out = this.#run(text, true);
    this.#finished = true;
    return out;
  }

  /** The outcome for the record and the final chunk; complete only after `finish()`. */
  get summary(): StreamingChatSummary {
    const calls = this.#scanner.toolCalls;
    return {
      toolCalls: calls.map(toWireToolCall),
      rawToolArguments: calls.map((call) => call.rawArguments),
      malformedToolCall: this.#scanner.malformed,
      hasReasoning: this.#splitter?.hasBlock ?? false,
      unterminatedReasoning: this.#splitter?.unterminatedReasoning ?? false,
      finishReason: calls.length > 0 ? 'tool_calls' : null,
    };
  }

  #run(text: string, isLast: boolean): ChatDelta[] {
    const deltas: (ChatDelta | ScannerDelta)[] = [];
    let contentPart = text;
    if (this.#splitter !== null) {
      const step = this.#splitter.push(text);
      const last = isLast ? this.#splitter.finish() : { reasoning: '', content: '' };
      deltas.push({ reasoning: step.reasoning + last.reasoning });
      contentPart = step.content + last.content;
    }
    deltas.push(...this.#scanner.push(contentPart));
    if (isLast) deltas.push(...this.#scanner.finish());
    return compact(deltas);
  }
}
