import type { Sample, SampleCall } from './sample-types.ts';

/**
 * The token-exactness contract of a sample, checked against the recorded calls alone (not the
 * builder's internals), so tests, the trainer and the viewer can all ask "is this row honest?":
 * - `tokens`, `lossMask` and `logprobs` have one entry per token; the mask is 0 or 1;
 * - every call's prompt + completion (the choice the sample follows) is a prefix of the tokens
 *   (of what is left, for a truncated sample);
 * - a mask-1 token sits inside a completed trainable call's completion and equals the engine's id
 *   there, with the engine's logprob; a mask-0 token has logprob 0.
 */

/**
 * Violations of the contract, empty when the sample is sound.
 *
 * @example
 * sampleViolations(sample, calls); // [] or ['token 17: mask 1 outside any completion', …]
 */
export function sampleViolations(sample: Sample, calls: readonly SampleCall[]): string[] {
  const violations: string[] = [];
  const length = sample.tokens.length;
  if (sample.lossMask.length !== length || sample.logprobs.length !== length) {
    return [`lengths differ: tokens ${length}, lossMask ${sample.lossMask.length}, logprobs ${sample.logprobs.length}`];
  }
  if (sample.callIds.length !== sample.choices.length) violations.push('callIds and choices differ in length');

  const byId = new Map(calls.map((call) => [call.callId, call]));
  // For each position inside a trainable completion: the engine's id and logprob there.
  const engineId = new Array<number | undefined>(length);
  const engineLogprob = new Array<number>(length);
  sample.callIds.forEach((callId, i) => {
    const call = byId.get(callId);
    const choice = call?.choices.find((c) => c.index === sample.choices[i]);
    if (call === undefined || choice === undefined) {
      violations.push(`call ${callId} choice ${String(sample.choices[i])} is not among the recorded calls`);
      return;
    }
    const expected = [...call.promptIds, ...choice.completionIds];
    if (!sample.truncated && expected.length > length) violations.push(`call ${callId}: prompt + completion longer than the sample`);
    const upTo = Math.min(expected.length, length);
    for (let at = 0; at < upTo; at++) {
      if (sample.tokens[at] !== expected[at]) {
        violations.push(`call ${callId}: token ${at} is ${sample.tokens[at]}, the call had ${expected[at]}`);
        break;
      }
    }
    if (call.status !== 'completed' || !call.trainable) return;
    for (let k = 0; k < choice.completionIds.length && call.promptIds.length + k < length; k++) {
      engineId[call.promptIds.length + k] = choice.completionIds[k];
      engineLogprob[call.promptIds.length + k] = choice.logprobs[k] as number;
    }
  });

  for (let at = 0; at < length; at++) {
    const mask = sample.lossMask[at];
    if (mask !== 0 && mask !== 1) violations.push(`token ${at}: mask ${String(mask)} is neither 0 nor 1`);
    else if (mask === 0 && sample.logprobs[at] !== 0) violations.push(`token ${at}: mask 0 with logprob ${sample.logprobs[at]}`);
    else if (mask === 1 && engineId[at] === undefined) violations.push(`token ${at}: mask 1 outside any trainable completion`);
    else if (mask === 1 && (sample.tokens[at] !== engineId[at] || sample.logprobs[at] !== engineLogprob[at])) {
      violations.push(`token ${at}: mask 1 but id/logprob ${sample.tokens[at]}/${sample.logprobs[at]} differ from the engine's ${engineId[at]}/${engineLogprob[at]}`);
    }
  }
  return violations;
}
