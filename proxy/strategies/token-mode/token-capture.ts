import type { CallFlags } from '../../../src/store/records.ts';
import type { CallCapture } from '../../capture/call-capture.ts';
import type { Generation } from '../../drivers/driver-types.ts';
import type { CallFindings } from '../call-strategy.ts';
import type { PromptPlan } from './token-prompt.ts';

const sameIds = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** The record of a token-mode call: the prompt ids the proxy sent and the engine's completion. */
export function tokenCapture(promptIds: number[], generation: Generation, response: unknown): CallCapture {
  return {
    promptIds,
    choices: generation.choices.map((c) => ({ index: c.index, completionIds: c.completionIds, logprobs: c.logprobs, finishReason: c.finishReason, stopReason: c.stopReason })),
    usage: generation.usage,
    response,
  };
}

/** Flags for the judge and the sample builder, and a reason when the engine contradicts the plan. */
export function tokenFindings(plan: PromptPlan, generation: Generation, messages: readonly { malformedToolCall: string | null }[]): CallFindings {
  const flags: CallFlags = {};
  const malformed = messages.find((m) => m.malformedToolCall !== null)?.malformedToolCall;
  if (malformed !== undefined && malformed !== null) flags.malformedToolCall = malformed;
  if (plan.renderedFromScratch !== null) flags.renderedFromScratch = plan.renderedFromScratch;
  const reason = generation.promptIds !== null && !sameIds(generation.promptIds, plan.promptIds) ? 'the engine reports other prompt ids than the proxy sent' : null;
  return { flags, reason };
}
