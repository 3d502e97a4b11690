/**
 * Finding the answer a model committed to in free text.
 *
 * Only the response's prose is searched (`answer-prose.ts`): a number inside tool-call markup or
 * code is never the answer. When the LAST `\boxed{` (or `\fbox{`) is never closed, the final
 * answer was cut off: there is no answer, and no other source may stand in for it.
 *
 * Sources, tried in this order (each can be switched off by the judge's options):
 * 1. `boxed` — the LAST well-formed `\boxed{…}` or `\fbox{…}` (nested braces allowed), or a simple
 *    `\boxed 18` without braces. An empty `\boxed{}` is skipped, so an earlier one counts.
 * 2. `hash` — the text after the LAST `####` on its line (GSM8K style).
 * 3. `answer_phrase` — a number right after the last "answer is" / "answer:" (allowing `$`,
 *    `x =`, "approximately" in between): "The answer is 18 (not 17.5)" gives 18.
 * 4. `last_number` — the last number in the whole text (see `NUMBER_IN_TEXT_SOURCE`): a lenient
 *    fallback for answers written as prose; "… so she pays $1,250." gives `1,250`.
 */
import { answerProse } from './answer-prose.ts';
import { readBraced } from './latex-normalize.ts';
import { NUMBER_IN_TEXT_SOURCE } from './number-normalize.ts';

export const ANSWER_SOURCES = ['boxed', 'hash', 'answer_phrase', 'last_number'] as const;
export type AnswerSource = (typeof ANSWER_SOURCES)[number];

export type ExtractedAnswer = { text: string; source: AnswerSource };

const BOXED_COMMAND = /\\(?:boxed|fbox)(?![a-zA-Z])/g;

/** True when the last `\boxed{` / `\fbox{` of the text opens a brace that never closes. */
export function hasUnclosedLastBox(text: string): boolean {
  const last = [...text.matchAll(BOXED_COMMAND)].at(-1);
  if (last === undefined) return false;
  const after = last.index + last[0].length;
  const brace = /^\s*\{/.exec(text.slice(after));
  return brace !== null && readBraced(text, after + brace[0].length - 1) === null;
}

export function extractLastBoxed(text: string): string | null {
  const starts = [...text.matchAll(BOXED_COMMAND)];
  for (let k = starts.length - 1; k >= 0; k--) {
    const match = starts[k];
    if (match === undefined) continue;
    const after = match.index + match[0].length;
    const rest = text.slice(after);
    const brace = /^\s*\{/.exec(rest);
    if (brace !== null) {
      const group = readBraced(text, after + brace[0].length - 1);
      if (group === null) return null;
      if (group.content.trim() !== '') return group.content.trim();
      continue;
    }
    const bare = /^[ \t]+([^\s${}\\]+)/.exec(rest);
    if (bare?.[1] !== undefined) return bare[1];
  }
  return null;
}

export function extractHashAnswer(text: string): string | null {
  const matches = [...text.matchAll(/####[ \t]*([^\n]*)/g)];
  for (let k = matches.length - 1; k >= 0; k--) {
    const answer = matches[k]?.[1]?.trim();
    if (answer !== undefined && answer !== '') return answer;
  }
  return null;
}

const ANSWER_PHRASE = /\banswer\s*(?:is|was|:|=)\s*/gi;
const NUMBER_AFTER_PHRASE = new RegExp(
  String.raw`^[\s*_:\x60$(\\]*?(?:[a-zA-Z]\s*=\s*)?(?:approximately\s+|about\s+|around\s+)?` +
    String.raw`(?:US\$|[$€£¥₹]\s*)?(${NUMBER_IN_TEXT_SOURCE})`,
  'iu',
);

export function extractAnswerPhrase(text: string): string | null {
  const phrases = [...text.matchAll(ANSWER_PHRASE)];
  const last = phrases[phrases.length - 1];
  if (last === undefined) return null;
  const line = text.slice(last.index + last[0].length).split('\n', 1)[0] ?? '';
  return NUMBER_AFTER_PHRASE.exec(line)?.[1] ?? null;
}

const NUMBER_IN_TEXT = new RegExp(NUMBER_IN_TEXT_SOURCE, 'gu');

export function extractLastNumber(text: string): string | null {
  const numbers = [...text.matchAll(NUMBER_IN_TEXT)];
  return numbers[numbers.length - 1]?.[0] ?? null;
}

const EXTRACTORS: Record<AnswerSource, (text: string) => string | null> = {
  boxed: extractLastBoxed,
  hash: extractHashAnswer,
  answer_phrase: extractAnswerPhrase,
  last_number: extractLastNumber,
};

/**
 * The answer of the first source (in `sources` order) that finds one in the response's prose;
 * null when none does or when the last box was cut off.
 */
export function extractAnswer(
  text: string,
  sources: readonly AnswerSource[] = ANSWER_SOURCES,
): ExtractedAnswer | null {
  const prose = answerProse(text);
  if (hasUnclosedLastBox(prose)) return null;
  for (const source of sources) {
    const found = EXTRACTORS[source](prose);
    if (found !== null) return { text: found, source };
  }
  return null;
}

/** A reference answer: the part after the last `####` (GSM8K), else the last `\boxed{}`, else all. */
export function extractReferenceAnswer(reference: string): string {
  return extractHashAnswer(reference) ?? extractLastBoxed(reference) ?? reference.trim();
}
