import { DEFAULT_REASONING_TAGS, leadingWhitespaceLength, stripLeadingNewlines } from './reasoning-parser.ts';
import type { ReasoningOptions } from './reasoning-parser.ts';
import { partialTagLength } from './tag-search.ts';

/**
 * `parseReasoning` as a stream: text goes in piece by piece; reasoning comes out as soon as it
 * cannot be part of the end tag, and the content part is passed on for tool parsing. Whatever the
 * pieces, the concatenated outputs equal `parseReasoning` of the whole text.
 */

type Phase =
  /** Before the first non-whitespace text: is it the start tag? */
  | 'opening'
  | 'reasoning'
  /** Just after the end tag: newlines are dropped. */
  | 'separator'
  | 'content';

/** What one step releases, reasoning first: all reasoning precedes all content. */
export type ReasoningStep = { reasoning: string; content: string };

/**
 * Incremental reasoning splitter.
 *
 * @example
 * const splitter = new StreamingReasoningSplitter();
 * splitter.push('<think>hm</th'); // → { reasoning: 'hm', content: '' }
 * splitter.push('ink>\n\nHi');    // → { reasoning: '', content: 'Hi' }
 */
export class StreamingReasoningSplitter {
  readonly #start: string;
  readonly #end: string;
  #phase: Phase;
  #buffer = '';
  #unterminated = false;
  #opened: boolean;

  constructor(options: ReasoningOptions = {}) {
    const tags = options.tags ?? DEFAULT_REASONING_TAGS;
    this.#start = tags.start;
    this.#end = tags.end;
    this.#phase = options.startsInReasoning === true ? 'reasoning' : 'opening';
    this.#opened = this.#phase === 'reasoning';
  }

  /** True once a reasoning block has opened (`parseReasoning` then gives a string, maybe empty, not null). */
  get hasBlock(): boolean {
    return this.#opened;
  }

  /** True after `finish()` when the block never closed. */
  get unterminatedReasoning(): boolean {
    return this.#unterminated;
  }

  push(text: string): ReasoningStep {
    this.#buffer += text;
    const step: ReasoningStep = { reasoning: '', content: '' };
    if (this.#phase === 'opening') this.#open();
    if (this.#phase === 'reasoning') this.#reason(step);
    if (this.#phase === 'separator') {
      this.#buffer = stripLeadingNewlines(this.#buffer);
      if (this.#buffer !== '') this.#phase = 'content';
    }
    if (this.#phase === 'content') {
      step.content = this.#buffer;
      this.#buffer = '';
    }
    return step;
  }

  finish(): ReasoningStep {
    const rest = this.#buffer;
    this.#buffer = '';
    if (this.#phase === 'reasoning') {
      this.#unterminated = true;
      return { reasoning: rest, content: '' };
    }
    // In 'opening' the text is blank or a cut-off start tag: content. In 'separator' it is ''.
    return { reasoning: '', content: rest };
  }

  #open(): void {
    const tagStart = leadingWhitespaceLength(this.#buffer);
    const rest = this.#buffer.slice(tagStart);
    if (rest.startsWith(this.#start)) {
      this.#buffer = rest.slice(this.#start.length);
      this.#phase = 'reasoning';
      this.#opened = true;
    } else if (rest !== '' && !this.#start.startsWith(rest)) {
      this.#phase = 'content';
    }
    // Otherwise still undecided: only whitespace, or a start tag cut short, has come so far.
  }

  #reason(step: ReasoningStep): void {
    const end = this.#buffer.indexOf(this.#end);
    if (end !== -1) {
      step.reasoning = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + this.#end.length);
      this.#phase = 'separator';
      return;
    }
    const keep = partialTagLength(this.#buffer, [this.#end]);
    step.reasoning = this.#buffer.slice(0, this.#buffer.length - keep);
    this.#buffer = this.#buffer.slice(this.#buffer.length - keep);
  }
}
