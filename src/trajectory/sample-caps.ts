import { RollcallError } from '../errors/rollcall-error.ts';
import { SHARED_PREFIX_MODES, type SampleOptions } from './sample-types.ts';

/**
 * Length caps on one sample. A sample's prompt part is everything before its first mask-1 token
 * (the context the learner conditions on); its response part is the rest. Caps never act
 * silently: a dropped sample is counted, a cut one is flagged `truncated` and counted.
 * - `maxPromptTokens`: a longer prompt part drops the sample (cutting the front would leave a
 *   context the policy never saw).
 * - `maxResponseTokens`, `maxTotalTokens`: the sample is cut at the cap from the end; the
 *   earlier turns stay intact. A cut that leaves no mask-1 token drops the sample instead.
 */

export type CapVerdict = { kind: 'keep'; cut: number } | { kind: 'drop' };

const CAP_NAMES = ['maxSamples', 'maxPromptTokens', 'maxTotalTokens', 'maxResponseTokens'] as const;

/**
 * Checks options once per call of `buildSamples`: every cap is an integer ≥ 1.
 *
 * @example
 * validateSampleOptions({ maxTotalTokens: 0 }); // throws RC_ERR_REQUEST_VALIDATION at maxTotalTokens
 */
export function validateSampleOptions(options: SampleOptions): void {
  for (const name of CAP_NAMES) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new RollcallError('RC_ERR_REQUEST_VALIDATION', { path: name, detail: `must be an integer ≥ 1, got ${value}` }, { param: name });
    }
  }
  const mode = options.sharedPrefix;
  if (mode !== undefined && !SHARED_PREFIX_MODES.includes(mode)) {
    throw new RollcallError(
      'RC_ERR_REQUEST_VALIDATION',
      { path: 'sharedPrefix', detail: `must be one of ${SHARED_PREFIX_MODES.join(', ')}, got ${String(mode)}` },
      { param: 'sharedPrefix' },
    );
  }
}

/** Tokens before the first mask-1 token; the whole sample when nothing in it is trainable. */
export function promptPartLength(lossMask: readonly number[]): number {
  const first = lossMask.indexOf(1);
  return first === -1 ? lossMask.length : first;
}

/**
 * Where to cut a sample, or that it is dropped.
 *
 * @example
 * judgeCaps([0, 0, 1, 1, 1], { maxResponseTokens: 2 }); // { kind: 'keep', cut: 4 }
 * judgeCaps([0, 0, 1, 1, 1], { maxPromptTokens: 1 });   // { kind: 'drop' }
 */
export function judgeCaps(lossMask: readonly number[], options: SampleOptions): CapVerdict {
  const length = lossMask.length;
  const promptPart = promptPartLength(lossMask);
  if (options.maxPromptTokens !== undefined && promptPart > options.maxPromptTokens) return { kind: 'drop' };
  let cut = length;
  if (options.maxResponseTokens !== undefined) cut = Math.min(cut, promptPart + options.maxResponseTokens);
  if (options.maxTotalTokens !== undefined) cut = Math.min(cut, options.maxTotalTokens);
  const hadTrainable = promptPart < length;
  if (hadTrainable && cut <= promptPart) return { kind: 'drop' };
  return { kind: 'keep', cut };
}
