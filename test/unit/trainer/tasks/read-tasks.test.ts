import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { describeTasks, readTasks } from '../../../../trainer/tasks/read-tasks.ts';
import { FieldMappingSchema, TaskReaderConfigSchema } from '../../../../trainer/tasks/task-types.ts';
import { GSM8K_DIR } from './dataset-fixtures.ts';

/** Every field of an object schema, unwrapping defaults and optionals, with its description. */
function fieldDescriptions(schema: z.ZodObject): [string, string | undefined][] {
  return Object.entries(schema.shape).map(([name, field]) => [name, (field as z.ZodType).description]);
}

describe('task reader configuration', () => {
  it('fills the defaults: GSM8K-style field names, the train split, a 5-minute env timeout', () => {
    assert.deepEqual(TaskReaderConfigSchema.parse({ type: 'jsonl', path: 'a.jsonl' }), {
      type: 'jsonl',
      path: 'a.jsonl',
      fields: { query: 'question', answer: 'answer' },
    });
    assert.deepEqual(TaskReaderConfigSchema.parse({ type: 'huggingface', path: 'd', fields: { query: 'problem' } }), {
      type: 'huggingface',
      path: 'd',
      split: 'train',
      fields: { query: 'problem', answer: 'answer' },
    });
    assert.deepEqual(TaskReaderConfigSchema.parse({ type: 'env_service', envType: 'appworld' }), {
      type: 'env_service',
      url: 'http://127.0.0.1:8080',
      envType: 'appworld',
      split: 'train',
      timeoutMs: 300_000,
    });
  });

  it('rejects unknown keys, with their path, and a field mapping on an env service', () => {
    const typo = TaskReaderConfigSchema.safeParse({ type: 'jsonl', path: 'a', fields: { qeury: 'q' } });
    assert.equal(typo.success, false);
    assert.deepEqual(typo.error?.issues[0]?.path, ['fields']);
    assert.match(typo.error?.issues[0]?.message ?? '', /qeury/);
    assert.equal(TaskReaderConfigSchema.safeParse({ type: 'env_service', envType: 'x', fields: {} }).success, false);
    assert.equal(TaskReaderConfigSchema.safeParse({ type: 'huggingface', path: 'd', split: 'train-1' }).success, false);
    assert.equal(TaskReaderConfigSchema.safeParse({ type: 'csv', path: 'a' }).success, false);
  });

  it('describes every field, since the configuration reference is generated from the schema', () => {
    const objects = [...TaskReaderConfigSchema.options, FieldMappingSchema];
    for (const schema of objects) {
      for (const [name, description] of fieldDescriptions(schema)) {
        assert.ok(description !== undefined && description.length > 10, `${name} has no description`);
      }
    }
    assert.ok(TaskReaderConfigSchema.description);
  });
});

describe('readTasks', () => {
  it('resolves a relative path from the config folder', async () => {
    const configDir = join(GSM8K_DIR, '..', '..', 'configs', 'nested');
    const path = relative(configDir, join(GSM8K_DIR, 'test.jsonl'));
    const tasks = await readTasks({ type: 'jsonl', path }, configDir);
    assert.equal(tasks.length, 1319);
  });

  it('validates a config it is handed directly', async () => {
    await assert.rejects(readTasks({ type: 'jsonl', path: '' }, GSM8K_DIR), z.ZodError);
  });
});

describe('describeTasks', () => {
  it('sums a task set up in one line a person can check', async () => {
    const tasks = await readTasks({ type: 'huggingface', path: GSM8K_DIR, split: 'test' }, '/');
    const line = describeTasks(tasks);
    assert.match(line, /^1319 tasks, ids test:0 … test:1318, 1319 with a reference answer, query \d+–\d+ chars \(mean \d+\), metadata keys: none$/);
    assert.ok(!line.includes('\n'));
  });

  it('shows metadata keys and a missing answer mapping', () => {
    const tasks = [
      { id: 'a', index: 0, query: 'abc', metadata: { level: 1, type: 'x' } },
      { id: 'b', index: 1, query: 'abcdefg', metadata: { source: 's' } },
    ];
    assert.equal(
      describeTasks(tasks),
      '2 tasks, ids a … b, 0 with a reference answer, query 3–7 chars (mean 5), metadata keys: level, source, type',
    );
    assert.equal(describeTasks([]), '0 tasks');
  });
});
