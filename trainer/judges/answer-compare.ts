/**
 * Deciding whether a predicted answer matches a reference answer.
 *
 * Both sides are normalized (`latex-normalize.ts`). When both parse as numbers
 * (`number-normalize.ts`) they match when |a − b| ≤ relativeTolerance · max(|a|, |b|); the default
 * 1e-6 forgives float noise (`0.1 + 0.2`, `1/3` printed to 7+ significant digits) but not rounding
 * (`18.01` ≠ `18`, `0.33` ≠ `1/3`). Otherwise the normalized strings are compared case-insensitively
 * with all whitespace removed (`\text{Yes}` = `yes`); a number never equals a non-number.
 */
import { normalizeAnswerText } from './latex-normalize.ts';
import { parseNumericAnswer } from './number-normalize.ts';

export const DEFAULT_RELATIVE_TOLERANCE = 1e-6;

export type AnswerComparison = {
  isMatch: boolean;
  /** True when both sides parsed as numbers and were compared numerically. */
  isNumeric: boolean;
  predicted: string;
  reference: string;
};

export function numbersMatch(a: number, b: number, relativeTolerance: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= relativeTolerance * Math.max(Math.abs(a), Math.abs(b));
}

function squash(normalized: string): string {
  return normalized.toLowerCase().replace(/\s+/g, '');
}

/** The form used for string comparison of non-numeric answers. */
export function canonicalAnswerString(text: string): string {
  return squash(normalizeAnswerText(text));
}

export function compareAnswers(
  predicted: string,
  reference: string,
  relativeTolerance: number = DEFAULT_RELATIVE_TOLERANCE,
): AnswerComparison {
  const predictedText = normalizeAnswerText(predicted);
  const referenceText = normalizeAnswerText(reference);
  const predictedValue = parseNumericAnswer(predictedText);
  const referenceValue = parseNumericAnswer(referenceText);
  if (predictedValue !== null && referenceValue !== null) {
    return {
      isMatch: numbersMatch(predictedValue, referenceValue, relativeTolerance),
      isNumeric: true,
      predicted: predictedText,
      reference: referenceText,
    };
  }
  const isMatch =
    predictedValue === null &&
    referenceValue === null &&
    predictedText !== '' &&
    squash(predictedText) === squash(referenceText);
  return { isMatch, isNumeric: false, predicted: predictedText, reference: referenceText };
}
