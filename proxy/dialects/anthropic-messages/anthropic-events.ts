import type { Usage } from '../../../src/store/records.ts';
import type { AnthropicContentBlock, AnthropicStreamEvent } from '../../../src/wire/anthropic-messages.ts';
import type { WireChatChunk, WireChunkChoice } from '../../../src/wire/openai-chat.ts';
import type { ChatReply } from '../chat-reply.ts';
import { anthropicUsage, stopOf, type MessageHead } from './anthropic-message.ts';

/**
 * A streamed chat answer as the Messages API streams one (the event flow of the API's streaming
 * guide, which `MessageStream` in `@anthropic-ai/sdk` accumulates):
 *
 *   message_start → (content_block_start → ping (once, after the first) → content_block_delta* →
 *   content_block_stop)* → message_delta → message_stop
 *
 * Blocks follow the chat deltas of choice 0 in order: reasoning opens a `thinking` block
 * (`thinking_delta`), text a `text` block (`text_delta`), each tool call a `tool_use` block whose
 * arguments arrive as `input_json_delta` fragments; a block closes when another kind begins. The
 * stop reason and usage come from the recorded answer, after the commit: `message_start` carries
 * no counts yet (0), and `message_delta` the whole message's `input_tokens` and `output_tokens`,
 * which the SDKs take over the start's.
 */
type OpenBlock = { index: number; kind: AnthropicContentBlock['type']; toolIndex: number | null };

export class MessageEvents {
  private started = false;
  private pinged = false;
  private block: OpenBlock | null = null;
  private blocks = 0;

  constructor(private readonly head: MessageHead) {}

  /** The events for one chat chunk. */
  take(chunk: WireChatChunk): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = [];
    this.start(out, chunk.model);
    for (const entry of chunk.choices) if (entry.index === 0) this.entry(entry.delta, out);
    return out;
  }

  /** The closing events, from what was recorded. */
  finish(reply: ChatReply, usage: Usage | null): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = [];
    this.start(out, reply.model);
    this.close(out);
    const counts = anthropicUsage(usage);
    out.push({ type: 'message_delta', delta: stopOf(reply, this.head.stopSequences), usage: { input_tokens: counts.input_tokens, output_tokens: counts.output_tokens } });
    out.push({ type: 'message_stop' });
    return out;
  }

  private start(out: AnthropicStreamEvent[], model: string): void {
    if (this.started) return;
    this.started = true;
    const usage = anthropicUsage(null);
    out.push({ type: 'message_start', message: { id: this.head.id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage } });
  }

  private entry(delta: WireChunkChoice['delta'], out: AnthropicStreamEvent[]): void {
    const reasoning = delta.reasoning ?? delta.reasoning_content;
    if (typeof reasoning === 'string' && reasoning !== '') {
      const index = this.open(out, { type: 'thinking', thinking: '', signature: '' });
      out.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: reasoning } });
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      const index = this.open(out, { type: 'text', text: '' });
      out.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: delta.content } });
    }
    for (const call of delta.tool_calls ?? []) {
      const current = this.block;
      const continues = current !== null && current.kind === 'tool_use' && current.toolIndex === call.index && (call.id === undefined || call.id === '');
      const index = continues ? current.index : this.open(out, { type: 'tool_use', id: call.id ?? '', name: call.function?.name ?? '', input: {} }, call.index);
      const fragment = call.function?.arguments;
      if (fragment !== undefined && fragment !== '') out.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: fragment } });
    }
  }

  /** The index of the open block of this kind, or of a new one (closing the one before). */
  private open(out: AnthropicStreamEvent[], block: AnthropicContentBlock, toolIndex: number | null = null): number {
    if (this.block !== null && this.block.kind === block.type && block.type !== 'tool_use') return this.block.index;
    this.close(out);
    this.block = { index: this.blocks++, kind: block.type, toolIndex };
    out.push({ type: 'content_block_start', index: this.block.index, content_block: block });
    if (!this.pinged) {
      this.pinged = true;
      out.push({ type: 'ping' });
    }
    return this.block.index;
  }

  private close(out: AnthropicStreamEvent[]): void {
    if (this.block === null) return;
    out.push({ type: 'content_block_stop', index: this.block.index });
    this.block = null;
  }
}
