import assert from 'node:assert/strict';
import { sampleViolations } from '../../../../src/trajectory/sample-invariants.ts';
import type { RolloutSamples, SampleCall, SampleChoice } from '../../../../src/trajectory/sample-types.ts';

/**
 * A tiny ChatML-like token world for sample tests: messages render as
 * `<start> role content… <end>` followed by a newline token, and `<end>` is the model's EOS,
 * exactly the shape a token-mode proxy produces (previous ids + rendered new messages).
 */
export const TOKEN = { start: 10, end: 2, newline: 5, system: 11, user: 12, assistant: 13, tool: 14 } as const;
export const EOS: number = TOKEN.end;

export function message(role: number, content: readonly number[]): number[] {
  return [TOKEN.start, role, ...content, TOKEN.end, TOKEN.newline];
}

/** The generation prompt the template appends before the model speaks. */
export const GEN: readonly number[] = [TOKEN.start, TOKEN.assistant];

/** A distinct, recognisable logprob per (token, position) so swaps would show. */
export function logprobsFor(ids: readonly number[]): number[] {
  return ids.map((id, k) => -((id % 89) + 1) / 128 - k / 4096);
}

export function choice(completionIds: readonly number[], finishReason: string | null = 'stop', index = 0): SampleChoice {
  return { index, completionIds: [...completionIds], logprobs: logprobsFor(completionIds), finishReason };
}

type CallSpec = Partial<Omit<SampleCall, 'callId' | 'seq' | 'promptIds' | 'choices'>> & {
  promptIds: readonly number[];
  choices: SampleChoice[];
};

/** Records calls with increasing ids (from 100) and seq numbers, like a rollout's call table. */
export class FakeRollout {
  readonly calls: SampleCall[] = [];
  #nextId = 100;

  add(spec: CallSpec): SampleCall {
    const call: SampleCall = {
      callId: this.#nextId++,
      seq: this.calls.length,
      status: 'completed',
      trainable: true,
      policyVersion: 1,
      extendsCallId: null,
      eosTokenId: EOS,
      ...spec,
      promptIds: [...spec.promptIds],
    };
    this.calls.push(call);
    return call;
  }

  /** A call continuing `previous` (choice `choiceIndex`) after appending `appended` messages. */
  continue(previous: SampleCall, appended: readonly number[], completion: SampleChoice | SampleChoice[], extra: Partial<CallSpec> = {}, choiceIndex = 0): SampleCall {
    return this.add({
      promptIds: [...sequenceOf(previous, choiceIndex), ...appended, ...GEN],
      choices: Array.isArray(completion) ? completion : [completion],
      extendsCallId: previous.callId,
      ...extra,
    });
  }
}

/** A call's prompt + completion of one choice. */
export function sequenceOf(call: SampleCall, choiceIndex = 0): number[] {
  const picked = call.choices.find((c) => c.index === choiceIndex);
  assert.ok(picked, `call ${call.callId} has no choice ${choiceIndex}`);
  return [...call.promptIds, ...picked.completionIds];
}

/** The opening prompt of a math agent: system + user + generation prompt. */
export function openingPrompt(systemContent: readonly number[] = [101, 102, 103], userContent: readonly number[] = [201, 202]): number[] {
  return [...message(TOKEN.system, systemContent), ...message(TOKEN.user, userContent), ...GEN];
}

/** Turn k of the agent: a tool call ending with EOS. */
export function toolCallTurn(k: number): number[] {
  return [300 + 10 * k, 301 + 10 * k, 302 + 10 * k, EOS];
}

export function toolResult(k: number): number[] {
  return message(TOKEN.tool, [400 + k, 401 + k, 402 + k]);
}

/** A `turns`-call tool loop in token mode; the last turn answers. */
export function toolLoop(rollout: FakeRollout, turns: number, prompt: readonly number[] = openingPrompt()): SampleCall[] {
  const first = rollout.add({ promptIds: prompt, choices: [choice(toolCallTurn(0))] });
  const calls = [first];
  for (let k = 1; k < turns; k++) {
    const previous = calls.at(-1) as SampleCall;
    calls.push(rollout.continue(previous, [TOKEN.newline, ...toolResult(k - 1)], choice(toolCallTurn(k))));
  }
  return calls;
}

/** Every sample honours the token-exactness contract against the recorded calls. */
export function assertSound(result: RolloutSamples, calls: readonly SampleCall[]): void {
  for (const sample of result.samples) {
    assert.deepEqual(sampleViolations(sample, calls), [], `sample ${sample.sampleId}`);
  }
}

/** Positions with loss mask 1. */
export function trainedPositions(lossMask: readonly number[]): number[] {
  const positions: number[] = [];
  lossMask.forEach((value, at) => {
    if (value === 1) positions.push(at);
  });
  return positions;
}

/** Positions of a call's completion inside a sample that starts with its tokens. */
export function completionPositions(call: SampleCall, choiceIndex = 0): number[] {
  const picked = call.choices.find((c) => c.index === choiceIndex);
  assert.ok(picked);
  return picked.completionIds.map((_, k) => call.promptIds.length + k);
}
