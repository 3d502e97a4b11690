import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readTasks } from '../../../../trainer/tasks/read-tasks.ts';
import { GSM8K_DIR, makeTempDir, writeFileDeep } from './dataset-fixtures.ts';
import { taskErrorWith as rejectsWith } from './task-assertions.ts';

describe('JSONL task reader on GSM8K', () => {
  it('reads all 7,473 training problems with their worked answers', async () => {
    const tasks = await readTasks({ type: 'jsonl', path: 'train.jsonl' }, GSM8K_DIR);
    assert.equal(tasks.length, 7473);
    const first = tasks[0];
    assert.ok(first !== undefined);
    assert.ok(first.query.startsWith('Natalia sold clips'));
    assert.ok(first.referenceAnswer?.endsWith('#### 72'));
    assert.equal(first.id, 'train.jsonl:0');
    assert.equal(first.index, 0);
    assert.deepEqual(first.metadata, {});
    assert.equal(tasks[7472]?.id, 'train.jsonl:7472');
    assert.equal(tasks[7472]?.index, 7472);
  });

  it('reads the 1,319 test problems', async () => {
    const tasks = await readTasks({ type: 'jsonl', path: join(GSM8K_DIR, 'test.jsonl') }, '/');
    assert.equal(tasks.length, 1319);
    assert.ok(tasks.every((task) => task.referenceAnswer?.includes('####')));
  });
});

describe('JSONL task reader on damaged files', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => {};
  const line = (question: string, answer = '#### 1') => JSON.stringify({ question, answer });

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  after(() => cleanup());

  it('names the file, the 1-based line and the JSON problem for a broken line', async () => {
    const path = join(dir, 'broken.jsonl');
    await writeFileDeep(path, [line('a'), line('b'), '{"question": "c", "answer": ', line('d')].join('\n'));
    await assert.rejects(
      readTasks({ type: 'jsonl', path: 'broken.jsonl' }, dir),
      rejectsWith('RC_ERR_TASKS_BAD_JSON', `${path}:3`, 'not valid JSON', 'JSON'),
    );
  });

  it('refuses a line that is JSON but not an object', async () => {
    await writeFileDeep(join(dir, 'array.jsonl'), `${line('a')}\n[1, 2]\n`);
    await assert.rejects(
      readTasks({ type: 'jsonl', path: 'array.jsonl' }, dir),
      rejectsWith('RC_ERR_TASKS_BAD_JSON', 'array.jsonl:2', 'expected a JSON object, got an array'),
    );
  });

  it('skips blank lines, tolerates a BOM and CRLF, and keeps ids tied to line positions', async () => {
    await writeFileDeep(join(dir, 'sparse.jsonl'), `\uFEFF${line('a')}\r\n\r\n   \r\n${line('b')}\r\n\r\n`);
    const tasks = await readTasks({ type: 'jsonl', path: 'sparse.jsonl' }, dir);
    assert.deepEqual(
      tasks.map((task) => [task.id, task.index, task.query]),
      [
        ['sparse.jsonl:0', 0, 'a'],
        ['sparse.jsonl:3', 1, 'b'],
      ],
    );
  });

  it('names the line and the field when the query field is missing, listing the columns there', async () => {
    await writeFileDeep(join(dir, 'renamed.jsonl'), `${line('a')}\n${JSON.stringify({ prompt: 'b', answer: '2' })}\n`);
    await assert.rejects(
      readTasks({ type: 'jsonl', path: 'renamed.jsonl' }, dir),
      rejectsWith('RC_ERR_TASKS_BAD_ROW', 'renamed.jsonl:2', 'no query field "question"', '"prompt"', 'fields.query'),
    );
  });

  it('refuses a query that is not text or is empty', async () => {
    await writeFileDeep(join(dir, 'numeric.jsonl'), JSON.stringify({ question: 12 }));
    await assert.rejects(
      readTasks({ type: 'jsonl', path: 'numeric.jsonl' }, dir),
      rejectsWith('RC_ERR_TASKS_BAD_ROW', 'numeric.jsonl:1', 'must be text, got a number'),
    );
    await writeFileDeep(join(dir, 'empty-query.jsonl'), JSON.stringify({ question: '  ' }));
    await assert.rejects(
      readTasks({ type: 'jsonl', path: 'empty-query.jsonl' }, dir),
      rejectsWith('RC_ERR_TASKS_BAD_ROW', 'empty-query.jsonl:1', 'is empty'),
    );
  });

  it('says which file is missing, and that a folder needs the huggingface reader', async () => {
    await assert.rejects(
      readTasks({ type: 'jsonl', path: 'nope.jsonl' }, dir),
      rejectsWith('RC_ERR_TASKS_NOT_FOUND', join(dir, 'nope.jsonl')),
    );
    await assert.rejects(readTasks({ type: 'jsonl', path: '.' }, dir), rejectsWith('RC_ERR_TASKS_NOT_FOUND', 'huggingface'));
  });

  it('refuses a file with no tasks at all', async () => {
    await writeFileDeep(join(dir, 'blank.jsonl'), '\n\n');
    await assert.rejects(readTasks({ type: 'jsonl', path: 'blank.jsonl' }, dir), rejectsWith('RC_ERR_TASKS_EMPTY', 'blank.jsonl'));
  });

  it('names both rows of a duplicate id', async () => {
    const rows = [{ question: 'a', uid: 'x1' }, { question: 'b', uid: 'x2' }, { question: 'c', uid: 'x1' }];
    await writeFileDeep(join(dir, 'dupes.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n'));
    await assert.rejects(
      readTasks({ type: 'jsonl', path: 'dupes.jsonl', fields: { id: 'uid' } }, dir),
      rejectsWith('RC_ERR_TASKS_DUPLICATE_ID', '"x1"', 'dupes.jsonl:1', 'dupes.jsonl:3'),
    );
  });
});
