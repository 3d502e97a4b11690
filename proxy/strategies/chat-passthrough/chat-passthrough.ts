import { RollcallError } from '../../../src/errors/rollcall-error.ts';
import { sentAsPatch } from '../../../src/store/sent-record.ts';
import type { ChatDriver } from '../../drivers/driver-types.ts';
import type { CallAnswer, CallStrategy, ChatCall, PreparedCall } from '../call-strategy.ts';
import { askedBudget, contextLeft } from '../completion-budget.ts';
import { PassthroughStream } from './passthrough-stream.ts';
import { promptIdsFinder, type PromptIdsFinder } from './prompt-ids.ts';

/** What pass-through needs of its engine. */
export type ChatPassthroughOptions = {
  driver: ChatDriver;
  /** The model's context length; null where the engine does not say (text-only relays). */
  maxModelLen: number | null;
};

/**
 * The per-choice bound sent to the engine. A rollout with a total budget needs the prompt's length
 * for it (call-budget.ts), and an unbounded turn needs it for the context left
 * (completion-budget.ts): both count the prompt the way the engine renders it. Engines that
 * cannot count before sending (SGLang without a local renderer, text-only relays) get the bound
 * known before the prompt, or keep the engine's own bound.
 */
async function budgetCap(call: ChatCall, options: ChatPassthroughOptions): Promise<{ cap: number | undefined; promptIds: number[] | null }> {
  const count = options.driver.countPromptTokens;
  const needsCount = call.budget.countsPrompt || (askedBudget(call) === undefined && options.maxModelLen !== null);
  if (count === undefined || !needsCount) return { cap: call.budget.cap, promptIds: null };
  const counted = await count(call.http, call.request, call.signal);
  const context = options.maxModelLen === null ? undefined : contextLeft(options.maxModelLen, counted.count);
  const bounds = [call.budget.capFor(counted.count), context].filter((n): n is number => n !== undefined);
  return { cap: bounds.length === 0 ? undefined : Math.min(...bounds), promptIds: counted.promptIds };
}

async function readWhole(json: unknown, bytes: Buffer, driver: ChatDriver, findPromptIds: PromptIdsFinder): Promise<CallAnswer> {
  if (!Array.isArray((json as { choices?: unknown }).choices)) throw new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: 'no choices array' });
  const { capture, reason } = await findPromptIds(driver.captureUnary(json));
  return { completion: json, raw: bytes, capture, flags: {}, reason };
}

/**
 * Chat pass-through: the client's request goes to the engine's chat endpoint with the rollout's
 * sampling and the fields capture needs; the engine renders and parses. Its bytes reach the
 * client untouched (a stream event by event), and a decoded copy is recorded.
 */
export function createChatPassthrough(options: ChatPassthroughOptions): CallStrategy {
  const { driver } = options;
  return {
    mode: 'chat',
    async prepare(call: ChatCall): Promise<PreparedCall> {
      const budget = await budgetCap(call, options);
      const sent = driver.buildRequest(call.request, call.rollout.record.sampling, budget.cap);
      const findPromptIds = promptIdsFinder(call, driver, sent, budget.promptIds);
      return {
        path: driver.path,
        json: JSON.stringify(sent),
        stored: sentAsPatch(call.request, sent),
        streamEndsWithoutDone: false,
        readAnswer: (json, bytes) => readWhole(json, bytes, driver, findPromptIds),
        openStream: () => new PassthroughStream(driver.newStreamCapture(), call.request, findPromptIds),
      };
    },
    async countPromptTokens(request, http, signal) {
      if (driver.countPromptTokens === undefined) {
        throw new RollcallError('RC_ERR_DIALECT_COUNT_UNSUPPORTED', { mode: 'chat', detail: 'the engine renders chat prompts only as it answers them (SGLang without engine.tokenizerPath, a text-only relay)' });
      }
      return (await driver.countPromptTokens(http, request, signal)).count;
    },
  };
}
