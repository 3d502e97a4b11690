import type { WireChatChunk, WireChatCompletion } from '../../../src/wire/openai-chat.ts';
import type { CallCapture } from '../../capture/call-capture.ts';
import { captureChatCompletion } from '../../capture/chat-completion-capture.ts';
import { ChatStreamCapture } from '../../capture/chat-stream-capture.ts';
import { isRecord } from '../engine-json.ts';

/**
 * A text-only capture: the request, the answer, usage and finish reasons are recorded; token ids
 * are never taken, even from a server that volunteers them, so the call is untrainable by
 * design (no prompt ids) and nothing in the record looks like trainable ids.
 */
function textOnly(capture: CallCapture): CallCapture {
  return { ...capture, promptIds: null, choices: capture.choices.map((choice) => ({ ...choice, completionIds: [], logprobs: [] })) };
}

export const captureOpenAiChat = (body: unknown): CallCapture => textOnly(captureChatCompletion((isRecord(body) ? body : {}) as WireChatCompletion));

export function newOpenAiStreamCapture(): { push(payload: unknown): void; result(): CallCapture } {
  const capture = new ChatStreamCapture();
  return {
    push: (payload) => capture.push((isRecord(payload) ? payload : {}) as WireChatChunk),
    result: () => textOnly(capture.result()),
  };
}
