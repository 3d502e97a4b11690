import type { ChatMessage, WireToolCall } from '../../src/wire/openai-chat.ts';
import { canonicalMessage, canonicalReply, chainHashes, toolsHash } from './message-canon.ts';

/** One answered call (one choice of it) that later calls may continue. */
export type Turn = {
  callId: number;
  choiceIndex: number;
  promptIds: number[];
  completionIds: number[];
  finishReason: string | null;
  /** Null when a 'stop' finish was the model's own EOS (token mode knows; chat mode leaves it null). */
  stopReason?: string | number | null;
};

export type Extension = {
  /** The turn whose messages plus reply are a prefix of the new messages. */
  turn: Turn;
  /** Messages after that reply. */
  appended: ChatMessage[];
};

export type Lookup = { extension: Extension } | { retryOf: Turn } | { fresh: true };

/**
 * Per-rollout index of answered calls keyed by a hash chain over their messages, so a new
 * call finds the longest earlier call it continues in O(messages). Tools are part of the key:
 * a call with other tools renders another prompt and never continues a call without them.
 */
/** The hash chain of one call's messages (with its tools), computed once per call. */
export type MessagesKey = { hashes: readonly string[]; whole: string };

export function messagesKey(messages: readonly ChatMessage[], tools: unknown): MessagesKey {
  const seed = toolsHash(tools);
  const hashes = chainHashes(messages.map(canonicalMessage), seed);
  return { hashes, whole: hashes.at(-1) ?? seed };
}

export class ConversationIndex {
  /** Hash of (messages + reply) → turns ending there. */
  private readonly byReply = new Map<string, Turn>();
  /** Hash of messages → a turn that was asked exactly these messages (for retries). */
  private readonly byMessages = new Map<string, Turn>();
  /** Tool calls the proxy answered with, by id: a dialect whose history carries a call's parsed input gets its exact arguments text back. */
  private readonly toolCallsById = new Map<string, WireToolCall>();

  add(key: MessagesKey, reply: { content: string | null; toolCalls: readonly WireToolCall[] }, turn: Turn): void {
    if (turn.choiceIndex === 0) this.byMessages.set(key.whole, turn);
    for (const call of reply.toolCalls) if (call.id !== '') this.toolCallsById.set(call.id, call);
    const [replyHash] = chainHashes([canonicalReply(reply)], key.whole);
    this.byReply.set(replyHash as string, turn);
  }

  /** A tool call the proxy answered with in this rollout. */
  toolCall(id: string): WireToolCall | undefined {
    return this.toolCallsById.get(id);
  }

  find(key: MessagesKey, messages: readonly ChatMessage[]): Lookup {
    const retry = messages.length === 0 ? undefined : this.byMessages.get(key.whole);
    if (retry !== undefined) return { retryOf: retry };
    for (let i = messages.length - 2; i >= 0; i--) {
      if (messages[i]?.role !== 'assistant') continue;
      const turn = this.byReply.get(key.hashes[i] as string);
      if (turn !== undefined) return { extension: { turn, appended: messages.slice(i + 1) } };
    }
    return { fresh: true };
  }
}
