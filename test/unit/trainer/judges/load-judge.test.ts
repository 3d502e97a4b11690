import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadJudge, parseJudgeSpec } from '../../../../trainer/judges/load-judge.ts';
import { isJudgeError, type JudgeErrorCode } from '../../../../trainer/judges/judge-errors.ts';
import type { JudgeContext, JudgeTask } from '../../../../trainer/judges/judge-types.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const task: JudgeTask = { id: 't', query: 'q', referenceAnswer: '18', metadata: {} };
const context: JudgeContext = { calls: [], auxiliaryModels: {} };

async function rejectsWith(promise: Promise<unknown>, code: JudgeErrorCode, pattern: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isJudgeError(error), String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('parseJudgeSpec', () => {
  it('splits path and export, defaulting to the default export', () => {
    assert.deepEqual(parseJudgeSpec('judges/mine.ts#grade'), { path: 'judges/mine.ts', exportName: 'grade' });
    assert.deepEqual(parseJudgeSpec('judges/mine.js'), { path: 'judges/mine.js', exportName: 'default' });
  });
  it('rejects an empty path or export', () => {
    assert.throws(() => parseJudgeSpec('#grade'), /path\/to\/file.ts#exportName/);
    assert.throws(() => parseJudgeSpec('mine.ts#'), (e: unknown) => isJudgeError(e) && e.code === 'RC_ERR_JUDGE_MODULE_SPEC');
  });
});

describe('loadJudge', () => {
  it('loads a named TypeScript export relative to the base dir', async () => {
    const judge = await loadJudge('fixtures/custom-judges.ts#exactJudge', HERE);
    assert.deepEqual(await judge(task, { finalAnswer: '18' }, context), {
      reward: 1,
      isSuccess: true,
      metrics: { 'custom/calls': 1 },
    });
  });

  it('loads a default export, a .js module and an absolute path', async () => {
    const byDefault = await loadJudge('fixtures/custom-judges.ts', HERE);
    assert.equal((await byDefault(task, {}, context)).reward, 0.5);
    const js = await loadJudge(`${join(HERE, 'fixtures/plain-judge.js')}#lengthJudge`, '/nonexistent');
    assert.deepEqual((await js(task, { response: 'abc' }, context)).metrics, { 'custom/length': 3 });
  });

  it('names the file when it does not exist', async () => {
    await rejectsWith(
      loadJudge('fixtures/missing.ts#judge', HERE),
      'RC_ERR_JUDGE_MODULE_NOT_FOUND',
      /"fixtures\/missing.ts#judge".*fixtures\/missing.ts/,
    );
  });

  it('names the export when it is missing, listing what exists', async () => {
    await rejectsWith(
      loadJudge('fixtures/custom-judges.ts#grade', HERE),
      'RC_ERR_JUDGE_EXPORT_MISSING',
      /custom-judges.ts has no export "grade" \(exports: .*exactJudge/,
    );
  });

  it('names the export when it is not a function', async () => {
    await rejectsWith(
      loadJudge('fixtures/custom-judges.ts#notAFunction', HERE),
      'RC_ERR_JUDGE_EXPORT_NOT_FUNCTION',
      /"notAFunction" of .*custom-judges.ts is number, not a function/,
    );
  });

  it('rejects a function that wants more than the three judge arguments', async () => {
    await rejectsWith(
      loadJudge('fixtures/custom-judges.ts#tooManyParameters', HERE),
      'RC_ERR_JUDGE_EXPORT_SIGNATURE',
      /takes 4 parameters/,
    );
  });

  it('wraps an import failure with its cause', async () => {
    await assert.rejects(loadJudge('fixtures/throwing-judge.ts#judge', HERE), (error: unknown) => {
      assert.ok(isJudgeError(error));
      assert.equal(error.code, 'RC_ERR_JUDGE_MODULE_LOAD');
      assert.match(error.message, /throwing-judge.ts.*exploded at import/);
      assert.ok(error.cause instanceof Error);
      return true;
    });
  });

  it('validates what the loaded judge returns', async () => {
    const nan = await loadJudge('fixtures/custom-judges.ts#nanJudge', HERE);
    await rejectsWith(nan(task, {}, context), 'RC_ERR_JUDGE_BAD_RESULT', /nanJudge.*reward NaN/);
    const badMetric = await loadJudge('fixtures/custom-judges.ts#badMetricJudge', HERE);
    await rejectsWith(badMetric(task, {}, context), 'RC_ERR_JUDGE_BAD_RESULT', /metric "custom\/x" = high/);
  });
});
