import type { RollcallError } from '../../../src/errors/rollcall-error.ts';
import type { Usage } from '../../../src/store/records.ts';
import type { WireChatChunk, WireChunkChoice } from '../../../src/wire/openai-chat.ts';
import type { ResponsesOutputItem, ResponsesResponse, ResponsesStreamEvent } from '../../../src/wire/openai-responses.ts';
import type { ChatReply } from '../chat-reply.ts';
import { finalStatus, newItemId, responsesUsage, type ResponseHead } from './response-object.ts';

/**
 * A streamed chat answer as the Responses API streams one: `response.created`,
 * `response.in_progress`, then per output item `response.output_item.added`, its content part
 * (`response.content_part.added` … `.done`) with `response.output_text.delta`/`.done` (or
 * `response.reasoning_text.*` for reasoning), or `response.function_call_arguments.delta`/`.done`
 * for a tool call, and `response.output_item.done`; last `response.completed` (or
 * `response.incomplete`) with the whole response. Every event carries the next
 * `sequence_number` from 0; the SDK's `ResponseStream` accumulates them into its snapshot.
 * Items follow the chat deltas of choice 0 in order and close when another kind begins; the
 * closing response takes its status and usage from the recorded answer, after the commit.
 */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Unnumbered = DistributiveOmit<ResponsesStreamEvent, 'sequence_number'>;

type OpenItem = { index: number; item: ResponsesOutputItem; text: string; toolIndex: number | null };

export class ResponseEvents {
  private seq = 0;
  private started = false;
  private model = '';
  private readonly output: ResponsesOutputItem[] = [];
  private current: OpenItem | null = null;

  constructor(private readonly head: ResponseHead) {}

  take(chunk: WireChatChunk): ResponsesStreamEvent[] {
    const out: ResponsesStreamEvent[] = [];
    this.start(out, chunk.model);
    for (const entry of chunk.choices) if (entry.index === 0) this.entry(entry.delta, out);
    return out;
  }

  /** The closing events, from what was recorded. */
  finish(reply: ChatReply, usage: Usage | null): ResponsesStreamEvent[] {
    const out: ResponsesStreamEvent[] = [];
    this.start(out, reply.model);
    const ending = finalStatus(reply);
    this.close(out, ending.status === 'incomplete' ? 'incomplete' : 'completed');
    const response: ResponsesResponse = { ...this.snapshot(), ...ending, usage: responsesUsage(usage) };
    this.emit(out, { type: ending.status === 'incomplete' ? 'response.incomplete' : 'response.completed', response });
    return out;
  }

  /** A failure after the stream opened: one `error` event with the registry code, and the failed response. */
  fail(error: RollcallError): ResponsesStreamEvent[] {
    const out: ResponsesStreamEvent[] = [];
    this.start(out, this.model);
    this.emit(out, { type: 'error', code: error.code, message: error.message, param: null });
    this.emit(out, { type: 'response.failed', response: { ...this.snapshot(), status: 'failed', error: { code: error.code, message: error.message } } });
    return out;
  }

  private snapshot(): ResponsesResponse {
    return { ...this.head, model: this.model, status: 'in_progress', error: null, incomplete_details: null, output: structuredClone(this.output), usage: null };
  }

  private emit(out: ResponsesStreamEvent[], event: Unnumbered): void {
    out.push({ ...event, sequence_number: this.seq++ } as ResponsesStreamEvent);
  }

  private start(out: ResponsesStreamEvent[], model: string): void {
    if (this.started) return;
    this.started = true;
    this.model = model;
    this.emit(out, { type: 'response.created', response: this.snapshot() });
    this.emit(out, { type: 'response.in_progress', response: this.snapshot() });
  }

  private entry(delta: WireChunkChoice['delta'], out: ResponsesStreamEvent[]): void {
    const reasoning = delta.reasoning ?? delta.reasoning_content;
    if (typeof reasoning === 'string' && reasoning !== '') {
      const open = this.open(out, { type: 'reasoning', id: newItemId('rs'), summary: [], content: [], status: 'in_progress' });
      open.text += reasoning;
      this.emit(out, { type: 'response.reasoning_text.delta', item_id: open.item.id, output_index: open.index, content_index: 0, delta: reasoning });
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      const open = this.open(out, { type: 'message', id: newItemId('msg'), status: 'in_progress', role: 'assistant', content: [] });
      open.text += delta.content;
      this.emit(out, { type: 'response.output_text.delta', item_id: open.item.id, output_index: open.index, content_index: 0, delta: delta.content, logprobs: [] });
    }
    for (const call of delta.tool_calls ?? []) {
      const current = this.current;
      const continues = current !== null && current.item.type === 'function_call' && current.toolIndex === call.index && (call.id === undefined || call.id === '');
      const open = continues ? current : this.open(out, { type: 'function_call', id: newItemId('fc'), call_id: call.id ?? '', name: call.function?.name ?? '', arguments: '', status: 'in_progress' }, call.index);
      const fragment = call.function?.arguments;
      if (fragment === undefined || fragment === '') continue;
      open.text += fragment;
      this.emit(out, { type: 'response.function_call_arguments.delta', item_id: open.item.id, output_index: open.index, delta: fragment });
    }
  }

  /** The open item of this kind, or a new one (closing the one before) with its content part. */
  private open(out: ResponsesStreamEvent[], item: ResponsesOutputItem, toolIndex: number | null = null): OpenItem {
    if (this.current !== null && this.current.item.type === item.type && item.type !== 'function_call') return this.current;
    this.close(out, 'completed');
    const open: OpenItem = { index: this.output.length, item, text: '', toolIndex };
    this.current = open;
    this.output.push(item);
    this.emit(out, { type: 'response.output_item.added', output_index: open.index, item: structuredClone(item) });
    const at = { item_id: item.id, output_index: open.index, content_index: 0 };
    if (item.type === 'reasoning') this.emit(out, { type: 'response.content_part.added', ...at, part: { type: 'reasoning_text', text: '' } });
    if (item.type === 'message') this.emit(out, { type: 'response.content_part.added', ...at, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    return open;
  }

  private close(out: ResponsesStreamEvent[], status: 'completed' | 'incomplete'): void {
    const open = this.current;
    if (open === null) return;
    this.current = null;
    const { item, text, index } = open;
    const at = { item_id: item.id, output_index: index, content_index: 0 };
    item.status = status;
    if (item.type === 'reasoning') {
      item.content = [{ type: 'reasoning_text', text }];
      this.emit(out, { type: 'response.reasoning_text.done', ...at, text });
      this.emit(out, { type: 'response.content_part.done', ...at, part: { type: 'reasoning_text', text } });
    } else if (item.type === 'message') {
      item.content = [{ type: 'output_text', text, annotations: [], logprobs: [] }];
      this.emit(out, { type: 'response.output_text.done', ...at, text, logprobs: [] });
      this.emit(out, { type: 'response.content_part.done', ...at, part: { type: 'output_text', text, annotations: [], logprobs: [] } });
    } else {
      item.arguments = text;
      this.emit(out, { type: 'response.function_call_arguments.done', item_id: item.id, output_index: index, arguments: text, name: item.name });
    }
    this.emit(out, { type: 'response.output_item.done', output_index: index, item: structuredClone(item) });
  }
}
