import type { CallCapture } from '../../capture/call-capture.ts';
import type { ChatDriver } from '../../drivers/driver-types.ts';
import type { ChatCall } from '../call-strategy.ts';

/** Adds a call's prompt ids to its capture where the answer lacked them, and says why when it cannot. */
export type PromptIdsFinder = (capture: CallCapture) => Promise<{ capture: CallCapture; reason: string | null }>;

/**
 * Engines whose chat answers lack prompt ids (llama.cpp) get them by extra requests before the
 * call is recorded, or reuse the ids counted before sending. When they cannot be rebuilt the
 * answer is still recorded, not trainable, with that reason.
 */
export function promptIdsFinder(call: Pick<ChatCall, 'http' | 'signal'>, driver: ChatDriver, sent: Record<string, unknown>, known: number[] | null): PromptIdsFinder {
  return async (capture) => {
    if (capture.promptIds !== null || driver.completePromptIds === undefined || call.signal.aborted) return { capture, reason: null };
    const promptIds = known ?? (await driver.completePromptIds(call.http, sent, call.signal).catch(() => null));
    return { capture: { ...capture, promptIds }, reason: promptIds === null ? 'the engine could not rebuild the prompt ids (/apply-template + /tokenize)' : null };
  };
}
