import { createSelector } from '../../trainer/selectors/create-selector.ts';
import type { FakeEngine } from '../fake-engine/server.ts';
import { readGsm8k } from './gsm8k-scripts.ts';

/** What the scripted model does on a task, and what the judge must then say. */
export const BEHAVIOURS = ['correct', 'tool_error', 'malformed', 'wrong'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

const call = (code: string) => `<tool_call>\n{"name": "execute_python_code", "arguments": {"code": ${JSON.stringify(code)}}}\n</tool_call>`;

/**
 * Scripts the first step's four tasks (shuffle, seed 42) with one behaviour each: a tool call then
 * the right boxed answer; code that raises, whose traceback the agent reads before answering
 * right; a malformed tool call (the JSON is cut off) the agent cannot run; a wrong answer given
 * in the turn that calls the tool, with code that forgets to print.
 */
export function scriptFlavourTasks(engine: FakeEngine): Map<string, Behaviour> {
  const rows = readGsm8k('train');
  const selector = createSelector({ config: { type: 'shuffle', seed: 42 }, taskCount: rows.length });
  const byQuestion = new Map<string, Behaviour>();
  for (const [k, index] of selector.next(4).entries()) {
    const row = rows[index]!;
    const answer = (row.answer.split('####').pop() ?? '').trim().replace(/,/g, '');
    const behaviour = BEHAVIOURS[k]!;
    byQuestion.set(row.question, behaviour);
    const replies = {
      correct: [call(`print(${answer})`), `It printed ${answer}, so the answer is \\boxed{${answer}}.`],
      tool_error: [call('print(1/0)'), `The code failed with ZeroDivisionError; by hand the answer is \\boxed{${answer}}.`],
      malformed: ['<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(\n</tool_call>'],
      wrong: [`The answer is \\boxed{${answer}7}.\n${call(answer)}`, `The answer is \\boxed{${answer}7}.`],
    }[behaviour];
    engine.scriptWhen(row.question.slice(0, 80), replies);
  }
  return byQuestion;
}
