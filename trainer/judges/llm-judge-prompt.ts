/**
 * The grading prompt of the LLM judge and the parsing of its verdict.
 *
 * The response is cut from the front when it is long, because the final answer sits at its end.
 * The verdict is the LAST `<verdict>correct</verdict>` or `<verdict>incorrect</verdict>` in the
 * reply, so a grader that quotes the instructions before answering is still read correctly.
 */

export type Verdict = 'correct' | 'incorrect';

export type ChatMessage = { role: 'system' | 'user'; content: string };

export type JudgePromptInput = {
  question: string;
  referenceAnswer: string | undefined;
  response: string;
  maxResponseChars: number;
};

export const JUDGE_SYSTEM_PROMPT =
  'You grade answers to questions. You are strict about the final answer and lenient about ' +
  'formatting: equal numbers written differently (18, 18.0, $18, eighteen) are the same answer.';

function tail(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `[… ${text.length - maxChars} earlier characters omitted …]\n${text.slice(-maxChars)}`;
}

export function buildJudgeMessages(input: JudgePromptInput): ChatMessage[] {
  const reference = input.referenceAnswer?.trim() || '(none given: judge from the question)';
  const user = [
    'Decide whether the response gives the correct final answer to the question.',
    '',
    '<question>',
    input.question.trim(),
    '</question>',
    '<reference_answer>',
    reference,
    '</reference_answer>',
    '<response>',
    tail(input.response.trim(), input.maxResponseChars),
    '</response>',
    '',
    'Reply with one sentence of justification, then exactly one of',
    '<verdict>correct</verdict> or <verdict>incorrect</verdict>.',
  ].join('\n');
  return [
    { role: 'system', content: JUDGE_SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

const VERDICT_TAG = /<verdict>\s*(correct|incorrect)\s*<\/verdict>/gi;

/** The last verdict tag of a grader reply, or null when it gave none. */
export function parseVerdict(reply: string): Verdict | null {
  const matches = [...reply.matchAll(VERDICT_TAG)];
  const last = matches[matches.length - 1]?.[1]?.toLowerCase();
  return last === 'correct' || last === 'incorrect' ? last : null;
}
