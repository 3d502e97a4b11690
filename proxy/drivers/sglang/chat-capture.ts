import type { ChoiceCapture } from '../../../src/store/records.ts';
import type { WireChatCompletion } from '../../../src/wire/openai-chat.ts';
import type { CallCapture } from '../../capture/call-capture.ts';
import { captureChatCompletion } from '../../capture/chat-completion-capture.ts';
import { isIdArray, isRecord } from '../engine-json.ts';

/**
 * Ids in SGLang chat answers (`python/sglang/srt/entrypoints/openai/serving_chat.py`). Per choice
 * with `return_token_ids`: `prompt_token_ids`, and the generated ids as `response_token_ids` (the
 * serving code) or `token_ids` (the name in sgl-project/sglang#30917): both keys are read.
 * Response-level with the sglext flags: `sglext.input_ids` and `sglext.output_ids[i]` (one list
 * per choice).
 * `logprobs.content` carries no ids on SGLang; only the values are taken from it.
 */

export type SglextIds = { inputIds: number[] | null; outputIds: number[][] | null };

export function readSglext(value: unknown): SglextIds {
  const sglext = isRecord(value) ? value : {};
  const outputs = Array.isArray(sglext.output_ids) && sglext.output_ids.every(isIdArray) ? (sglext.output_ids as number[][]) : null;
  return { inputIds: isIdArray(sglext.input_ids) ? sglext.input_ids : null, outputIds: outputs };
}

/** `matched_stop` is a token id for stop tokens (the EOS included) and a string for stop strings. */
export const stopReasonOf = (matched: unknown): string | null => (typeof matched === 'string' ? matched : null);

function choiceIds(choice: Record<string, unknown>, sglext: SglextIds, index: number): number[] {
  if (isIdArray(choice.response_token_ids)) return choice.response_token_ids;
  if (isIdArray(choice.token_ids)) return choice.token_ids;
  return sglext.outputIds?.[index] ?? [];
}

export function captureSglangChat(body: unknown): CallCapture {
  const wire = (isRecord(body) ? body : {}) as WireChatCompletion;
  const base = captureChatCompletion(wire);
  const rawChoices = (Array.isArray(wire.choices) ? wire.choices : []) as unknown as Record<string, unknown>[];
  const sglext = readSglext(wire.sglext);
  const prompt = rawChoices.map((c) => c.prompt_token_ids).find(isIdArray) ?? sglext.inputIds;
  const choices: ChoiceCapture[] = base.choices.map((choice, position) => {
    const raw = rawChoices[position] ?? {};
    return { ...choice, completionIds: choiceIds(raw, sglext, choice.index), stopReason: stopReasonOf(raw.matched_stop) };
  });
  return { ...base, promptIds: prompt ?? null, choices };
}
