import type { ChatRequest } from '../../../src/wire/openai-chat.ts';
import type { Turn } from '../../conversation/conversation-index.ts';
import type { TokenDriver } from '../../drivers/driver-types.ts';
import type { ChatCall } from '../call-strategy.ts';
import type { TurnDelta } from './turn-delta.ts';

export type PromptPlan = {
  promptIds: number[];
  /** The turn whose exact ids this prompt starts with, if any. */
  continues: Turn | null;
  /** Why a call that continues an earlier one at message level was rendered from scratch. */
  renderedFromScratch: string | null;
};

export const chatTemplateKwargs = (request: ChatRequest): Record<string, unknown> | undefined => {
  const kwargs = request.chat_template_kwargs;
  return kwargs !== null && typeof kwargs === 'object' ? (kwargs as Record<string, unknown>) : undefined;
};

/**
 * Token-mode prompt policy: a call whose messages continue an earlier turn gets
 * exactly that turn's prompt ids + its completion ids as generated (EOS included; inserted when
 * the model did not emit one) + the appended messages rendered by the template. A retry of the
 * same messages reuses the same prompt ids. Anything else is rendered from scratch: a new branch.
 */
export async function planTokenPrompt(call: Pick<ChatCall, 'request' | 'conversation' | 'http' | 'signal'>, renderer: { driver: TokenDriver; turnDelta: TurnDelta }): Promise<PromptPlan> {
  const { request, http, signal } = call;
  const { lookup } = call.conversation;
  const { driver, turnDelta } = renderer;
  const kwargs = chatTemplateKwargs(request);
  const fresh = async (reason: string | null): Promise<PromptPlan> => ({
    promptIds: await driver.render(http, { messages: request.messages, tools: request.tools, addGenerationPrompt: true, chatTemplateKwargs: kwargs }, signal),
    continues: null,
    renderedFromScratch: reason,
  });
  if ('retryOf' in lookup) return { promptIds: lookup.retryOf.promptIds, continues: null, renderedFromScratch: null };
  if (!('extension' in lookup)) return fresh(null);
  const { turn, appended } = lookup.extension;
  const eos = turnDelta.eosFor(turn);
  if (eos === null) return fresh('the EOS token is not known yet, so a truncated turn could not be closed');
  const delta = await turnDelta.delta({ http, appended, tools: request.tools, kwargs, eosId: eos.eosId, signal });
  if ('failure' in delta) return fresh(delta.failure);
  return {
    promptIds: [...turn.promptIds, ...turn.completionIds, ...(eos.synthetic ? [eos.eosId] : []), ...delta.ids],
    continues: turn,
    renderedFromScratch: null,
  };
}
