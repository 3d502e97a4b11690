import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSelector } from '../../trainer/selectors/create-selector.ts';
import type { FakeEngine } from '../fake-engine/server.ts';

export const GSM8K_DIR = fileURLToPath(new URL('../../../shared/datasets/gsm8k/', import.meta.url));

type Row = { question: string; answer: string };

let datasetDir: string | undefined;

/**
 * GSM8K laid out as `rollcall data get openai/gsm8k` leaves it (config `main`, one file per
 * split), from the workspace's copy; made once per test process.
 */
export function gsm8kDatasetDir(): string {
  if (datasetDir !== undefined) return datasetDir;
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-gsm8k-'));
  mkdirSync(join(dir, 'main'));
  for (const split of ['train', 'test']) symlinkSync(`${GSM8K_DIR}${split}.jsonl`, join(dir, 'main', `${split}.jsonl`));
  datasetDir = dir;
  return dir;
}

/** The flags that point an example configuration at that dataset instead of `data/openai/gsm8k`. */
export function exampleDataFlags(): string[] {
  const dir = gsm8kDatasetDir();
  return ['--set', `tasks.train.path=${dir}`, '--set', `tasks.validation.path=${dir}`];
}

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
