import type { CallCapture } from './call-capture.ts';

/**
 * A reply with another number of choices than the `n` asked for is flagged and not trained on:
 * a group built from it would silently hold fewer (or more) samples than its size says.
 * Returns why, or null when the count is right.
 */
export function choiceCountProblem(asked: number, capture: Pick<CallCapture, 'choices'>): string | null {
  const got = capture.choices.length;
  if (got === asked) return null;
  return `the engine returned ${got} ${got === 1 ? 'choice' : 'choices'} but n was ${asked}`;
}
