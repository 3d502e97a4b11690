import type { StoredCall } from '../store/records.ts';
import type { SampleCall } from './sample-types.ts';

/** Recorded calls as the sample builder takes them; calls without prompt ids get none. */
export function toSampleCalls(calls: readonly StoredCall[]): SampleCall[] {
  return calls.map((call) => ({
    callId: call.id,
    seq: call.seq,
    status: call.status,
    trainable: call.trainable,
    promptIds: call.promptIds ?? [],
    choices: call.choices,
    policyVersion: call.policyVersion,
    extendsCallId: call.extendsCallId,
    ...(call.extendsChoice === null ? {} : { extendsChoice: call.extendsChoice }),
  }));
}
