import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readTasks } from '../../../../trainer/tasks/read-tasks.ts';
import type { ParquetColumn } from './tiny-parquet-writer.ts';
import { GSM8K_DIR, makeTempDir, mathTable, type MathRow, writeFileDeep, writeParquetFile, writeSavedSplit } from './dataset-fixtures.ts';
import { taskErrorWith } from './task-assertions.ts';

const BIG = 2n ** 60n;

function mathColumns(prefix: string, count: number, levels: (bigint | null)[]): ParquetColumn[] {
  const ids = Array.from({ length: count }, (_, index) => `${prefix}${index}`);
  return [
    { name: 'uid', type: 'string', values: ids },
    { name: 'problem', type: 'string', values: ids.map((id) => `Problem ${id}?`) },
    { name: 'solution', type: 'string', values: ids.map((id) => `\\boxed{${id}}`) },
    { name: 'level', type: 'int64', values: levels },
    { name: 'score', type: 'double', values: ids.map((_, index) => index / 2) },
  ];
}

const mathRow = (n: number, uid: bigint): MathRow => ({
  problem: `What is ${n} + ${n}?`,
  solution: `#### ${2 * n}`,
  uid,
  tags: ['arith', `n${n}`],
  source: 'synthetic',
  difficulty: n / 10,
});

describe('Hugging Face reader on the GSM8K folder', () => {
  it('reads the train split from train.jsonl with split-based ids', async () => {
    const tasks = await readTasks({ type: 'huggingface', path: GSM8K_DIR }, '/');
    assert.equal(tasks.length, 7473);
    assert.ok(tasks[0]?.query.startsWith('Natalia sold clips'));
    assert.ok(tasks[0]?.referenceAnswer?.endsWith('#### 72'));
    assert.deepEqual([tasks[0]?.id, tasks[7472]?.id], ['train:0', 'train:7472']);
  });

  it('follows symbolic links, as the hub cache lays out snapshot files', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      await mkdir(join(dir, 'snapshot', 'main'), { recursive: true });
      await symlink(join(GSM8K_DIR, 'test.jsonl'), join(dir, 'snapshot', 'main', 'test-00000-of-00001.jsonl'));
      await symlink(join(dir, 'snapshot', 'main'), join(dir, 'snapshot', 'linked'));
      assert.equal((await readTasks({ type: 'huggingface', path: join(dir, 'snapshot'), config: 'main', split: 'test' }, '/')).length, 1319);
      assert.equal((await readTasks({ type: 'huggingface', path: join(dir, 'snapshot'), config: 'linked', split: 'test' }, '/')).length, 1319);
    } finally {
      await cleanup();
    }
  });

  it('reads the test split', async () => {
    const tasks = await readTasks({ type: 'huggingface', path: GSM8K_DIR, split: 'test' }, '/');
    assert.equal(tasks.length, 1319);
  });

  it('lists the splits that exist when the one asked for does not', async () => {
    await assert.rejects(
      readTasks({ type: 'huggingface', path: GSM8K_DIR, split: 'validation' }, '/'),
      taskErrorWith('RC_ERR_TASKS_SPLIT_NOT_FOUND', 'No split "validation"', 'splits found: test, train'),
    );
  });
});

describe('Hugging Face reader on built folders', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => {};

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    // Shard 1 is written first: the reader must order by name, not by creation.
    await writeParquetFile(join(dir, 'hub/data/train-00001-of-00002.parquet'), mathColumns('b', 2, [BIG, 5n]));
    await writeParquetFile(join(dir, 'hub/data/train-00000-of-00002.parquet'), mathColumns('a', 3, [1n, null, 3n]));
    await writeParquetFile(join(dir, 'hub/data/test-00000-of-00001.parquet'), mathColumns('t', 1, [1n]));
    await writeFileDeep(join(dir, 'hub/README.md'), '# a dataset card\n');
    for (const config of ['main', 'socratic']) {
      await writeParquetFile(join(dir, `configs/${config}/train-00000-of-00001.parquet`), mathColumns(`${config}-`, 2, [1n, 2n]));
    }
    await writeFileDeep(join(dir, 'saved/dataset_dict.json'), JSON.stringify({ splits: ['train', 'test'] }));
    await writeSavedSplit(join(dir, 'saved/train'), [mathTable([mathRow(1, 11n), mathRow(2, BIG)]), mathTable([mathRow(3, 13n)])], 'train');
    await writeSavedSplit(join(dir, 'saved/test'), [mathTable([mathRow(9, 19n)])], 'test');
    await writeFileDeep(join(dir, 'saved/train/cache-5eed.arrow'), 'not part of the dataset');
    await writeSavedSplit(join(dir, 'single'), [mathTable([mathRow(4, 14n)])], 'validation');
  });
  after(() => cleanup());

  const hub = { type: 'huggingface', path: 'hub', fields: { query: 'problem', answer: 'solution', id: 'uid' } } as const;

  it('concatenates parquet shards of data/<split>-* in name order', async () => {
    const tasks = await readTasks(hub, dir);
    assert.deepEqual(tasks.map((task) => task.id), ['a0', 'a1', 'a2', 'b0', 'b1']);
    assert.deepEqual(tasks.map((task) => task.index), [0, 1, 2, 3, 4]);
    assert.equal(tasks[3]?.query, 'Problem b0?');
    assert.equal(tasks[3]?.referenceAnswer, '\\boxed{b0}');
  });

  it('copies the other columns into metadata as plain JSON: INT64 as a number, or text past 2^53', async () => {
    const tasks = await readTasks(hub, dir);
    assert.deepEqual(tasks[0]?.metadata, { level: 1, score: 0 });
    assert.deepEqual(tasks[1]?.metadata, { level: null, score: 0.5 });
    assert.deepEqual(tasks[3]?.metadata, { level: BIG.toString(), score: 0 });
    assert.doesNotThrow(() => JSON.stringify(tasks));
  });

  it('copies only the listed metadata columns when fields.metadata is set', async () => {
    const tasks = await readTasks({ ...hub, fields: { ...hub.fields, metadata: ['score'] } }, dir);
    assert.deepEqual(tasks[1]?.metadata, { score: 0.5 });
  });

  it('reads another split of the same folder, and lists splits when one is missing', async () => {
    const tasks = await readTasks({ ...hub, split: 'test' }, dir);
    assert.deepEqual(tasks.map((task) => task.id), ['t0']);
    await assert.rejects(
      readTasks({ ...hub, split: 'validation' }, dir),
      taskErrorWith('RC_ERR_TASKS_SPLIT_NOT_FOUND', 'splits found: test, train'),
    );
  });

  it('reads a <config>/<split>-* layout and points at the configs when none is set', async () => {
    const fields = { query: 'problem', id: 'uid' };
    const tasks = await readTasks({ type: 'huggingface', path: 'configs', config: 'socratic', fields }, dir);
    assert.deepEqual(tasks.map((task) => task.id), ['socratic-0', 'socratic-1']);
    await assert.rejects(
      readTasks({ type: 'huggingface', path: 'configs', fields }, dir),
      taskErrorWith('RC_ERR_TASKS_SPLIT_NOT_FOUND', 'configs found: main, socratic (set config)'),
    );
    await assert.rejects(
      readTasks({ type: 'huggingface', path: 'configs', config: 'mian', fields }, dir),
      taskErrorWith('RC_ERR_TASKS_SPLIT_NOT_FOUND', 'No config "mian"', 'main, socratic'),
    );
  });

  it('reads save_to_disk Arrow shards listed in state.json, nested values included', async () => {
    const tasks = await readTasks({ type: 'huggingface', path: 'saved', fields: { query: 'problem', answer: 'solution' } }, dir);
    assert.deepEqual(tasks.map((task) => task.query), ['What is 1 + 1?', 'What is 2 + 2?', 'What is 3 + 3?']);
    assert.deepEqual(tasks.map((task) => task.id), ['train:0', 'train:1', 'train:2']);
    assert.equal(tasks[2]?.referenceAnswer, '#### 6');
    assert.deepEqual(tasks[0]?.metadata, { uid: 11, tags: ['arith', 'n1'], info: { source: 'synthetic', difficulty: 0.1 } });
    assert.equal(tasks[1]?.metadata.uid, BIG.toString());
    const test = await readTasks({ type: 'huggingface', path: 'saved', split: 'test', fields: { query: 'problem' } }, dir);
    assert.deepEqual(test.map((task) => task.query), ['What is 9 + 9?']);
  });

  it("reads a single saved Dataset as the split its state.json names", async () => {
    const fields = { query: 'problem', answer: 'solution' };
    const tasks = await readTasks({ type: 'huggingface', path: 'single', split: 'validation', fields }, dir);
    assert.deepEqual(tasks.map((task) => task.referenceAnswer), ['#### 8']);
    await assert.rejects(
      readTasks({ type: 'huggingface', path: 'single', fields }, dir),
      taskErrorWith('RC_ERR_TASKS_SPLIT_NOT_FOUND', 'No split "train"', 'splits found: validation'),
    );
  });

  it('reads JSONL shards in order and names the shard and line of a bad row', async () => {
    await writeFileDeep(join(dir, 'lines/train-00000-of-00002.jsonl'), '{"question": "q0"}\n{"question": "q1"}\n');
    await writeFileDeep(join(dir, 'lines/train-00001-of-00002.jsonl'), '{"question": "q2"}\n{"question": 3}\n');
    await assert.rejects(
      readTasks({ type: 'huggingface', path: 'lines' }, dir),
      taskErrorWith('RC_ERR_TASKS_BAD_ROW', join(dir, 'lines/train-00001-of-00002.jsonl:2'), 'must be text'),
    );
    await writeFileDeep(join(dir, 'lines/train-00001-of-00002.jsonl'), '{"question": "q2"}\n');
    const tasks = await readTasks({ type: 'huggingface', path: 'lines' }, dir);
    assert.deepEqual(tasks.map((task) => [task.id, task.query]), [['train:0', 'q0'], ['train:1', 'q1'], ['train:2', 'q2']]);
  });

  it('reads a .json split holding one array of objects', async () => {
    await writeFileDeep(join(dir, 'arrays/test.json'), JSON.stringify([{ question: 'x', answer: 4 }]));
    const tasks = await readTasks({ type: 'huggingface', path: 'arrays', split: 'test' }, dir);
    assert.deepEqual(tasks.map((task) => [task.query, task.referenceAnswer]), [['x', '4']]);
  });

  it('prefers parquet when one layout holds the split in several formats', async () => {
    await writeParquetFile(join(dir, 'mixed/train-00000-of-00001.parquet'), [{ name: 'question', type: 'string', values: ['from parquet'] }]);
    await writeFileDeep(join(dir, 'mixed/train.jsonl'), '{"question": "from jsonl"}\n');
    const tasks = await readTasks({ type: 'huggingface', path: 'mixed' }, dir);
    assert.deepEqual(tasks.map((task) => task.query), ['from parquet']);
  });

  it('names a shard it cannot decode, and a folder that is not there', async () => {
    const bad = join(dir, 'broken/train-00000-of-00001.parquet');
    await writeFileDeep(bad, 'PAR1 this is not parquet at all PAR1');
    await assert.rejects(readTasks({ type: 'huggingface', path: 'broken' }, dir), taskErrorWith('RC_ERR_TASKS_UNREADABLE', bad));
    await assert.rejects(readTasks({ type: 'huggingface', path: 'absent' }, dir), taskErrorWith('RC_ERR_TASKS_NOT_FOUND', join(dir, 'absent')));
  });
});
