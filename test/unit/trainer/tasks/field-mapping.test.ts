import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tasksFromRows } from '../../../../trainer/tasks/map-rows.ts';
import type { SourceRow } from '../../../../trainer/tasks/task-types.ts';
import { taskErrorWith } from './task-assertions.ts';

const rows = (...values: Record<string, unknown>[]): SourceRow[] =>
  values.map((row, index) => ({ values: row, where: `set.jsonl:${index + 1}`, defaultId: `set.jsonl:${index}` }));

describe('field mapping', () => {
  it('maps renamed columns and copies every other column into metadata by default', () => {
    const [task] = tasksFromRows(
      rows({ prompt: 'Find x.', target: 'x = 3', level: 'Level 2', type: 'Algebra', hints: ['isolate x'] }),
      { query: 'prompt', answer: 'target' },
    );
    assert.deepEqual(task, {
      id: 'set.jsonl:0',
      index: 0,
      query: 'Find x.',
      referenceAnswer: 'x = 3',
      metadata: { level: 'Level 2', type: 'Algebra', hints: ['isolate x'] },
    });
  });

  it('copies only the listed extra columns, and never the mapped ones by default', () => {
    const source = rows({ question: 'q', answer: 'a', uid: 'u1', level: 3, split_hint: 'x' });
    const [listed] = tasksFromRows(source, { query: 'question', answer: 'answer', id: 'uid', metadata: ['level'] });
    assert.deepEqual(listed?.metadata, { level: 3 });
    const [all] = tasksFromRows(source, { query: 'question', answer: 'answer', id: 'uid' });
    assert.deepEqual(all?.metadata, { level: 3, split_hint: 'x' });
    assert.equal(all?.id, 'u1');
  });

  it('fails naming the row when a listed metadata column is absent', () => {
    assert.throws(
      () => tasksFromRows(rows({ question: 'q', level: 1 }, { question: 'r' }), { query: 'question', metadata: ['level'] }),
      taskErrorWith('RC_ERR_TASKS_BAD_ROW', 'set.jsonl:2', 'no metadata field "level"'),
    );
  });

  it('turns numeric answers into text and leaves rows without an answer without one', () => {
    const tasks = tasksFromRows(rows({ question: 'a', answer: 72 }, { question: 'b' }, { question: 'c', answer: null }), {
      query: 'question',
      answer: 'answer',
    });
    assert.deepEqual(tasks.map((task) => task.referenceAnswer), ['72', undefined, undefined]);
    assert.equal('referenceAnswer' in (tasks[1] ?? {}), false);
  });

  it('refuses a structured answer rather than guessing its text', () => {
    assert.throws(
      () => tasksFromRows(rows({ question: 'a', answer: { value: 1 } }), { query: 'question', answer: 'answer' }),
      taskErrorWith('RC_ERR_TASKS_BAD_ROW', 'set.jsonl:1', 'answer field "answer"', 'an object'),
    );
  });

  it('accepts integer ids as text and refuses missing or fractional ones', () => {
    const [task] = tasksFromRows(rows({ question: 'a', n: 17 }), { query: 'question', id: 'n' });
    assert.equal(task?.id, '17');
    assert.throws(
      () => tasksFromRows(rows({ question: 'a', n: 1.5 }), { query: 'question', id: 'n' }),
      taskErrorWith('RC_ERR_TASKS_BAD_ROW', 'id field "n"'),
    );
    assert.throws(
      () => tasksFromRows(rows({ question: 'a' }), { query: 'question', id: 'n' }),
      taskErrorWith('RC_ERR_TASKS_BAD_ROW', 'no id field "n"', '"question"'),
    );
  });

  it('names both rows of a duplicate id', () => {
    assert.throws(
      () => tasksFromRows(rows({ question: 'a', n: 1 }, { question: 'b', n: 2 }, { question: 'c', n: 1 }), { query: 'question', id: 'n' }),
      taskErrorWith('RC_ERR_TASKS_DUPLICATE_ID', '"1"', 'set.jsonl:1 and set.jsonl:3'),
    );
  });
});
