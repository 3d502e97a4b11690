import type { StoredCall } from '../../src/store/records.ts';
import type { ChatRequest, WireToolCall } from '../../src/wire/openai-chat.ts';
import { areTokenIds, type CallCapture } from '../capture/call-capture.ts';
import { ConversationIndex, messagesKey, type MessagesKey } from './conversation-index.ts';

type ReplyMessage = { content?: string | null; tool_calls?: WireToolCall[] };
type ResponseShape = { choices?: { index: number; message?: ReplyMessage }[] };

/**
 * Registers every choice of a completed call as a turn later calls may continue; a turn whose ids
 * are not all token ids is never continued (its ids would become the next prompt).
 */
export function rememberTurns(index: ConversationIndex, key: MessagesKey, callId: number, capture: Pick<CallCapture, 'promptIds' | 'choices' | 'response'>): void {
  if (capture.promptIds === null || !areTokenIds(capture.promptIds)) return;
  const replies = (capture.response as ResponseShape | null)?.choices ?? [];
  for (const choice of capture.choices) {
    const message = replies.find((r) => r.index === choice.index)?.message;
    if (message === undefined || !areTokenIds(choice.completionIds)) continue;
    index.add(
      key,
      { content: message.content ?? null, toolCalls: message.tool_calls ?? [] },
      { callId, choiceIndex: choice.index, promptIds: capture.promptIds, completionIds: choice.completionIds, finishReason: choice.finishReason, stopReason: choice.stopReason ?? null },
    );
  }
}

/** Rebuilds a rollout's index from its stored calls, after a restart. */
export function indexFromCalls(calls: readonly StoredCall[]): ConversationIndex {
  const index = new ConversationIndex();
  for (const call of calls) {
    if (call.status !== 'completed') continue;
    // A dialect's call is indexed by the chat request it was translated into, as when it was answered.
    const request = JSON.parse(call.chatRequestJson ?? call.requestJson) as ChatRequest;
    rememberTurns(index, messagesKey(request.messages, request.tools), call.id, { promptIds: call.promptIds, choices: call.choices, response: call.response });
  }
  return index;
}
