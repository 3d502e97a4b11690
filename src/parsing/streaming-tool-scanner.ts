import { findNextBlock, partialTagLength } from './tag-search.ts';
import { isContentSegment, unterminatedReason } from './tool-call-extraction.ts';
import type { ParsedToolCall, ToolBlockTag, ToolCallDialect, ToolCallIdFactory } from './tool-call.ts';

/**
 * `extractToolCalls` as a stream over the content part of an output. Content is released as it
 * arrives except text that could still become a block's opening tag and whitespace that may turn
 * out to be a dropped blank segment; a call is complete when its closing tag arrives.
 *
 * When calls are released (`ToolReleaseMode`), and why:
 * - `on-finish` (default): from the first opening tag on, everything waits for `finish()`. A
 *   malformed block anywhere turns the *whole* text into content with no calls, and a call
 *   already sent cannot be taken back, so only this mode always streams exactly what the
 *   non-streaming parser returns. It costs little: a model stops right after its last call.
 * - `on-close`: each call is released when its closing tag arrives, and text between calls as it
 *   arrives. Identical to `on-finish` except when a malformed block follows a valid call: the
 *   calls already sent stand, the text from the malformed block on comes out as content at
 *   `finish()`, and `malformed` is still reported.
 */

export const TOOL_RELEASE_MODES = ['on-finish', 'on-close'] as const;
export type ToolReleaseMode = (typeof TOOL_RELEASE_MODES)[number];

/** A complete call with its position among the output's calls. */
export type StreamedToolCall = ParsedToolCall & { index: number };

export type ScannerDelta = { content: string } | { toolCall: StreamedToolCall };

type OpenBlock = { tag: ToolBlockTag; bodyStart: number; searchFrom: number };

/** Scanning without a tool parser: no block ever opens, so everything is content. */
const NO_TOOLS: ToolCallDialect = { blocks: [], parseBlock: () => ({ ok: false, reason: 'no tool parser' }) };

/**
 * Incremental tool-call scanner; `dialect` null scans for no calls (content only).
 *
 * @example
 * const scanner = new StreamingToolScanner(hermesDialect, createToolCallId, 'on-close');
 * scanner.push('Hi <tool_'); // → [{ content: 'Hi ' }]
 * scanner.push('call>{"name":"f","arguments":{}}</tool_call>'); // → [{ toolCall: { index: 0, name: 'f', … } }]
 */
export class StreamingToolScanner {
  readonly #dialect: ToolCallDialect;
  readonly #openTags: string[];
  readonly #newToolCallId: ToolCallIdFactory;
  readonly #release: ToolReleaseMode;
  /** Every character of the content part so far; positions below index into it. */
  #text = '';
  /** Text before this index has been decided (released, held as blank, or inside a block). */
  #position = 0;
  #segmentStart = 0;
  /** The current segment has non-whitespace text, so all of it is content. */
  #segmentLive = false;
  #block: OpenBlock | null = null;
  /** Where the verbatim text of a malformed result starts; -1 before the first block. */
  #fallbackStart = -1;
  #held: ScannerDelta[] = [];
  #calls: StreamedToolCall[] = [];
  #malformed: string | null = null;

  constructor(
    dialect: ToolCallDialect | null,
    newToolCallId: ToolCallIdFactory,
    release: ToolReleaseMode = 'on-finish',
  ) {
    this.#dialect = dialect ?? NO_TOOLS;
    this.#openTags = this.#dialect.blocks.map((tag) => tag.open);
    this.#newToolCallId = newToolCallId;
    this.#release = release;
  }

  /** Calls parsed so far, released or held (after `finish()`: the output's calls). */
  get toolCalls(): readonly StreamedToolCall[] {
    return this.#calls;
  }

  /** Why the tool-call text was rejected, once known. */
  get malformed(): string | null {
    return this.#malformed;
  }

  push(text: string): ScannerDelta[] {
    this.#text += text;
    const out: ScannerDelta[] = [];
    this.#scan(out);
    return out;
  }

  finish(): ScannerDelta[] {
    const out: ScannerDelta[] = [];
    if (this.#block !== null && this.#malformed === null) this.#malformed = unterminatedReason(this.#block.tag);
    if (this.#malformed !== null) {
      // The verbatim text replaces everything held back, calls included (in `on-finish` mode).
      if (this.#release === 'on-finish') this.#calls = [];
      this.#held = [];
      out.push({ content: this.#text.slice(this.#fallbackStart) });
      return out;
    }
    this.#releaseSegment(this.#text.length, out);
    out.push(...this.#held);
    this.#held = [];
    return out;
  }

  #scan(out: ScannerDelta[]): void {
    while (this.#malformed === null) {
      if (this.#block !== null) {
        if (!this.#closeBlock(this.#block, out)) return;
        continue;
      }
      const next = findNextBlock(this.#text, this.#dialect.blocks, this.#position);
      if (next === null) {
        const undecided = Math.min(partialTagLength(this.#text, this.#openTags), this.#text.length - this.#position);
        this.#releaseSegment(this.#text.length - undecided, out);
        return;
      }
      this.#releaseSegment(next.index, out);
      const lead = this.#segmentLive ? next.index : this.#segmentStart;
      if (this.#release === 'on-close' || this.#fallbackStart === -1) this.#fallbackStart = lead;
      const bodyStart = next.index + next.tag.open.length;
      this.#block = { tag: next.tag, bodyStart, searchFrom: bodyStart };
      this.#position = bodyStart;
    }
  }

  /** Completes the open block if its closing tag has arrived; false while it has not. */
  #closeBlock(block: OpenBlock, out: ScannerDelta[]): boolean {
    const { tag } = block;
    const closeIndex = this.#text.indexOf(tag.close, block.searchFrom);
    if (closeIndex === -1) {
      // Only a closing tag that reaches into text still to come can appear later.
      block.searchFrom = Math.max(block.bodyStart, this.#text.length - tag.close.length + 1);
      return false;
    }
    const result = this.#dialect.parseBlock(tag, this.#text.slice(block.bodyStart, closeIndex));
    if (!result.ok) {
      this.#malformed = result.reason;
      return false;
    }
    const call: StreamedToolCall = {
      index: this.#calls.length,
      id: this.#newToolCallId(),
      name: result.name,
      arguments: result.arguments,
      rawArguments: result.rawArguments,
    };
    this.#calls.push(call);
    this.#emit({ toolCall: call }, out);
    this.#block = null;
    this.#position = closeIndex + tag.close.length;
    this.#segmentStart = this.#position;
    this.#segmentLive = false;
    return true;
  }

  /** Decides the current segment's text up to `end`: content once the segment is not blank. */
  #releaseSegment(end: number, out: ScannerDelta[]): void {
    if (end <= this.#position) return;
    const piece = this.#text.slice(this.#position, end);
    this.#position = end;
    if (this.#segmentLive) {
      this.#emit({ content: piece }, out);
    } else if (isContentSegment(piece)) {
      this.#segmentLive = true;
      this.#emit({ content: this.#text.slice(this.#segmentStart, end) }, out);
    }
  }

  #emit(delta: ScannerDelta, out: ScannerDelta[]): void {
    if (this.#release === 'on-finish' && this.#fallbackStart !== -1) this.#held.push(delta);
    else out.push(delta);
  }
}
