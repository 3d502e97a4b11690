import type { ParsedChatMessage } from '../../src/parsing/chat-message-parser.ts';
import type { CallFlags } from '../../src/store/records.ts';
import type { CallCapture } from '../capture/call-capture.ts';
import type { Generation } from '../drivers/driver-types.ts';
import type { TokenCall } from './token-call.ts';

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
export function tokenFindings(call: TokenCall, generation: Generation, parsed: readonly ParsedChatMessage[]): { flags: CallFlags; reason?: string } {
  const flags: CallFlags = {};
  const malformed = parsed.find((p) => p.malformedToolCall !== null)?.malformedToolCall;
  if (malformed !== undefined && malformed !== null) flags.malformedToolCall = malformed;
  if (call.plan.renderedFromScratch !== null) flags.renderedFromScratch = call.plan.renderedFromScratch;
  if (generation.promptIds !== null && !sameIds(generation.promptIds, call.plan.promptIds)) {
    return { flags, reason: 'the engine reports other prompt ids than the proxy sent' };
  }
  return { flags };
}
