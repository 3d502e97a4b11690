import type { StoredCall } from '../../src/store/records.ts';
import type { ToolCallView, TranscriptEntry } from '../api/view-wire.ts';
import { asObject, parseRequest } from './call-view.ts';

/**
 * A rollout's conversation, told once: each call adds the messages it appended to the call it
 * continues (the proxy's message-level link, `extendsCallId`) and then its reply. A call that
 * continues no earlier call (a sub-agent, a rewritten history) or an earlier one than the last (a
 * branch) is announced before its messages. Requests that are not chat messages are shown raw.
 */

function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  return content
    .map((part) => {
      const p = asObject(part);
      return typeof p.text === 'string' ? p.text : `[${typeof p.type === 'string' ? p.type : 'part'}]`;
    })
    .join('');
}

function toolCallsOf(value: unknown): ToolCallView[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw) => {
    const call = asObject(raw);
    const fn = asObject(call.function);
    const args = fn.arguments;
    return { id: typeof call.id === 'string' ? call.id : null, name: typeof fn.name === 'string' ? fn.name : '?', arguments: typeof args === 'string' ? args : JSON.stringify(args ?? null) };
  });
}

const reasoningOf = (message: Record<string, unknown>): string | null => {
  const value = message.reasoning ?? message.reasoning_content;
  return typeof value === 'string' && value !== '' ? value : null;
};

function messageEntry(callSeq: number, raw: unknown): TranscriptEntry {
  const m = asObject(raw);
  return {
    kind: 'message',
    callSeq,
    role: typeof m.role === 'string' ? m.role : '?',
    content: textOf(m.content),
    reasoning: reasoningOf(m),
    toolCalls: toolCallsOf(m.tool_calls),
    toolCallId: typeof m.tool_call_id === 'string' ? m.tool_call_id : null,
    name: typeof m.name === 'string' ? m.name : null,
  };
}

function replyEntries(call: StoredCall): TranscriptEntry[] {
  if (call.status !== 'completed') {
    return [{ kind: 'error', callSeq: call.seq, callId: call.id, status: call.status, message: call.error?.message ?? call.untrainableReason ?? call.status }];
  }
  const choices = Array.isArray(asObject(call.response).choices) ? (asObject(call.response).choices as unknown[]) : [];
  return choices.map((raw, i) => {
    const choice = asObject(raw);
    const message = asObject(choice.message);
    return {
      kind: 'reply',
      callSeq: call.seq,
      callId: call.id,
      choice: typeof choice.index === 'number' ? choice.index : i,
      content: textOf(message.content),
      reasoning: reasoningOf(message),
      toolCalls: toolCallsOf(message.tool_calls),
      finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : (call.choices[i]?.finishReason ?? null),
    };
  });
}

/** New messages of `call` and the note that introduces them, given what earlier calls showed. */
function appended(call: StoredCall, messages: unknown[], shown: ReadonlyMap<number, number>, previousId: number | null): { note: string | null; from: number } {
  const parentCount = call.extendsCallId === null ? undefined : shown.get(call.extendsCallId);
  if (parentCount !== undefined && messages.length > parentCount) {
    const note = call.extendsCallId === previousId ? null : `call ${call.seq} branches from the call with id ${call.extendsCallId}`;
    return { note, from: parentCount + 1 };
  }
  return { note: previousId === null ? null : `call ${call.seq} starts a new context: it continues no earlier call`, from: 0 };
}

export function transcriptOf(calls: readonly StoredCall[]): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  const shown = new Map<number, number>();
  let previousId: number | null = null;
  for (const call of [...calls].sort((a, b) => a.seq - b.seq)) {
    const request = parseRequest(call);
    if (!Array.isArray(request.messages)) {
      entries.push({ kind: 'raw', callSeq: call.seq, request, response: call.response });
      previousId = call.id;
      continue;
    }
    const messages = request.messages as unknown[];
    const { note, from } = appended(call, messages, shown, previousId);
    if (note !== null) entries.push({ kind: 'context', callSeq: call.seq, note });
    for (const message of messages.slice(from)) entries.push(messageEntry(call.seq, message));
    entries.push(...replyEntries(call));
    shown.set(call.id, messages.length);
    previousId = call.id;
  }
  return entries;
}
