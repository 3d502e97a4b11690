import { RollcallError } from '../../../src/errors/rollcall-error.ts';
import type { StoredCall } from '../../../src/store/records.ts';
import type { ChatMessage, ChatRequest } from '../../../src/wire/openai-chat.ts';
import type { ResponsesRequest } from '../../../src/wire/openai-responses.ts';
import { assistantMessage, chatReply } from '../chat-reply.ts';
import { instructionsMessage } from './responses-request.ts';

/**
 * `previous_response_id`: the conversation a response ended, read back from the rollout's record,
 * so a chain resumes exactly, after a proxy restart too. The recorded call holds the chat request
 * its body was translated into (instructions, the history before it, its input) and the reply it
 * answered with; the history is that request without its instructions (a response's instructions
 * are not carried over, as in the API) plus the reply as the assistant message the proxy produced.
 * Only this rollout's completed responses are found; a response created with `store: false` is
 * recorded like any call but cannot be continued, as in the API.
 */
export type AnswerLookup = { findByAnswerId(rolloutId: string, answerId: string): StoredCall | undefined };

export function previousHistory(calls: AnswerLookup, rolloutId: string, responseId: string): ChatMessage[] {
  const notFound = (detail: string) => new RollcallError('RC_ERR_DIALECT_PREVIOUS_RESPONSE', { responseId, detail }, { param: 'previous_response_id' });
  const call = calls.findByAnswerId(rolloutId, responseId);
  if (call === undefined || call.dialect !== 'openai-responses' || call.chatRequestJson === null) throw notFound('this rollout answered no response with that id');
  if (call.status !== 'completed') throw notFound(call.status === 'failed' ? 'that response failed' : 'that response did not reach its client');
  const original = JSON.parse(call.requestJson) as ResponsesRequest;
  if (original.store === false) throw notFound('it was created with store: false; send its output items as input instead');
  const chat = JSON.parse(call.chatRequestJson) as ChatRequest;
  const history = instructionsMessage(original) === null ? chat.messages : chat.messages.slice(1);
  return [...history, assistantMessage(chatReply(call.response))];
}
