import { createHash } from 'node:crypto';
import type { ChatMessage, WireToolCall } from '../../src/wire/openai-chat.ts';

/**
 * Canonical text of a chat message, for deciding whether a call's history extends an earlier
 * call. What the model generated is taken from token ids, so the comparison ignores what clients
 * commonly rewrite without changing meaning: reasoning fields, tool-call ids, the spacing and key
 * order of tool-call arguments, and null versus empty content.
 */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function canonicalArguments(text: string): string {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return text;
  }
}

function canonicalContent(content: ChatMessage['content']): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : canonicalJson(content);
}

export function canonicalToolCalls(calls: readonly Pick<WireToolCall, 'function'>[] | undefined): string {
  return (calls ?? []).map((c) => `${c.function.name}(${canonicalArguments(c.function.arguments)})`).join(';');
}

export function canonicalMessage(message: ChatMessage): string {
  return [message.role, message.name ?? '', message.tool_call_id ?? '', canonicalContent(message.content), canonicalToolCalls(message.tool_calls)].join('\u0000');
}

/** The reply the proxy returned, in the same canonical form as an assistant message. */
export function canonicalReply(reply: { content: string | null; toolCalls: readonly Pick<WireToolCall, 'function'>[] }): string {
  return ['assistant', '', '', reply.content ?? '', canonicalToolCalls(reply.toolCalls)].join('\u0000');
}

/** Hash chain over a message list: entry i identifies messages[0..i]. */
export function chainHashes(canonical: readonly string[], seed = ''): string[] {
  const out: string[] = [];
  let previous = seed;
  for (const text of canonical) {
    previous = createHash('sha1').update(previous).update('\u0001').update(text).digest('base64');
    out.push(previous);
  }
  return out;
}

export function toolsHash(tools: unknown): string {
  return tools === undefined || tools === null ? '' : createHash('sha1').update(canonicalJson(tools)).digest('base64');
}
