/**
 * Degenerate repetition detectors used by the `nonsense` madness check.
 *
 * Word loop: text is split on whitespace, each word lower-cased with edge punctuation removed
 * (empty words such as `|` are dropped). A word "repeats" when it equals one of the
 * `windowWords` words before it. `minRepeatRun` repeating words in a row is a loop: that catches
 * any cycle of up to `windowWords` distinct words ("the cat the cat …", "wait, let me check.
 * wait, let me check. …") once it has run for `minRepeatRun` words, anywhere in the text.
 * Defaults (8 and 40) sit well above what prose, code or number lists produce: every word of a
 * 40-word stretch would have to be among the 8 words just before it.
 *
 * Char loop: for each period p in 1..`maxPeriodChars`, `minLoopChars` consecutive characters
 * equal to the character p places earlier is a loop ("!!!!…", "ababab…", "哈哈哈…", a short
 * sentence without spaces repeated). Defaults (32 and 200) leave markdown rules and indentation
 * alone. Neither detector looks at the script, so non-ASCII text is never flagged for being
 * non-ASCII. Cycles longer than 8 words and 32 characters (a repeated paragraph) are not caught.
 */

export type WordLoopOptions = { windowWords: number; minRepeatRun: number };
export type CharLoopOptions = { maxPeriodChars: number; minLoopChars: number };

export const DEFAULT_WORD_LOOP: Readonly<WordLoopOptions> = Object.freeze({
  windowWords: 8,
  minRepeatRun: 40,
});
export const DEFAULT_CHAR_LOOP: Readonly<CharLoopOptions> = Object.freeze({
  maxPeriodChars: 32,
  minLoopChars: 200,
});

/** A detected loop: where it starts (word index or char offset) and its period. */
export type LoopHit = { start: number; period: number };

export function splitWords(text: string): string[] {
  return text
    .split(/\s+/u)
    .map((word) => word.toLowerCase().replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''))
    .filter((word) => word !== '');
}

/** The first word loop, or null. `period` is the distance to the nearest earlier copy. */
export function findWordLoop(
  text: string,
  options: WordLoopOptions = DEFAULT_WORD_LOOP,
): LoopHit | null {
  const words = splitWords(text);
  let run = 0;
  for (let i = 1; i < words.length; i++) {
    let distance = 0;
    for (let back = 1; back <= options.windowWords && back <= i; back++) {
      if (words[i - back] === words[i]) {
        distance = back;
        break;
      }
    }
    run = distance === 0 ? 0 : run + 1;
    if (run >= options.minRepeatRun) {
      return { start: i - run + 1, period: distance };
    }
  }
  return null;
}

/** The first char loop, or null; `period` is the length of the repeated pattern. */
export function findCharLoop(
  text: string,
  options: CharLoopOptions = DEFAULT_CHAR_LOOP,
): LoopHit | null {
  if (text.length < options.minLoopChars) return null;
  for (let period = 1; period <= options.maxPeriodChars; period++) {
    let run = 0;
    for (let i = period; i < text.length; i++) {
      run = text.charCodeAt(i) === text.charCodeAt(i - period) ? run + 1 : 0;
      if (run >= options.minLoopChars) return { start: i - run + 1 - period, period };
    }
  }
  return null;
}
