import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSelector } from '../../trainer/selectors/create-selector.ts';
import type { FakeEngine } from '../fake-engine/server.ts';

export const GSM8K_DIR = fileURLToPath(new URL('../../../shared/datasets/gsm8k/', import.meta.url));

type Row = { question: string; answer: string };

export function readGsm8k(split: 'train' | 'test'): Row[] {
  return readFileSync(`${GSM8K_DIR}${split}.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Row);
}

const finalAnswer = (row: Row): string => (row.answer.split('####').pop() ?? '').trim().replace(/,/g, '');

/**
 * Scripts the fake engine for the train tasks a shuffle selector (seed 42) serves in the first
 * `steps` steps: a tool call that prints the answer, then the boxed answer. Every other task of
 * the selection gets a wrong final answer, so rewards differ between tasks.
 */
export function scriptSelectedTasks(engine: FakeEngine, steps: number, tasksPerStep: number): { correct: number; wrong: number } {
  const rows = readGsm8k('train');
  const selector = createSelector({ config: { type: 'shuffle', seed: 42 }, taskCount: rows.length });
  let correct = 0;
  let wrong = 0;
  for (let step = 0; step < steps; step++) {
    for (const [k, index] of selector.next(tasksPerStep).entries()) {
      const row = rows[index]!;
      const answer = finalAnswer(row);
      const right = k % 2 === 0;
      right ? correct++ : wrong++;
      engine.scriptWhen(row.question.slice(0, 80), [
        `<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(${answer})"}}\n</tool_call>`,
        `The tool printed ${answer}. The answer is \\boxed{${right ? answer : `${answer}1`}}.`,
      ]);
    }
  }
  return { correct, wrong };
}
