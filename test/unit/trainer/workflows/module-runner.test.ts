import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { abortedRollouts } from '../../../fixtures/workflows/module-workflows.ts';
import { createModuleRunner } from '../../../../trainer/workflows/module-runner.ts';
import type { WorkflowResult } from '../../../../trainer/workflows/workflow-types.ts';
import { FIXTURES_DIR, sampleInput } from './sample-input.ts';

function runnerFor(exportName: string, timeoutMs = 2_000) {
  const spec = `module-workflows.ts${exportName === '' ? '' : `#${exportName}`}`;
  return createModuleRunner({ type: 'module', module: spec, timeoutMs }, FIXTURES_DIR);
}

function failure(result: WorkflowResult) {
  assert.equal(result.ok, false, JSON.stringify(result));
  return result.ok ? assert.fail('unreachable') : result;
}

describe('module runner', () => {
  it('calls the export with the rollout input and returns its output', async () => {
    const result = await runnerFor('echoWorkflow').run(sampleInput());
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.output.finalAnswer, '18');
    assert.equal(result.output.response, 'answer to What is 6 * 3?');
    assert.deepEqual(result.output.metrics, { 'agent/attempt': 2 });
    assert.deepEqual(result.output.metadata, {
      baseUrl: 'http://127.0.0.1:8787/v1',
      apiKey: 'rk-test-key',
      model: 'policy',
      rolloutId: 'ro-1',
      auxiliaryModels: { judge: { baseUrl: 'http://judge/v1', apiKey: 'jk', model: 'qwen3' } },
      isSignalLive: true,
    });
    assert.ok(result.durationMs >= 0);
    assert.equal(result.stderr, undefined);
  });

  it('uses the default export when the spec has no "#"', async () => {
    const result = await runnerFor('').run(sampleInput());
    assert.deepEqual(result.ok && result.output, { reward: 1 });
  });

  it('reports a thrown error as crashed with its message and stack', async () => {
    const result = failure(await runnerFor('throwingWorkflow').run(sampleInput()));
    assert.equal(result.reason, 'crashed');
    assert.equal(result.message, 'TypeError: tool exploded');
    assert.match(result.stderr ?? '', /module-workflows\.ts/);
    const sync = failure(await runnerFor('syncThrowingWorkflow').run(sampleInput()));
    assert.equal(sync.reason, 'crashed');
    assert.equal(sync.message, 'threw before returning a promise');
  });

  it('times out a hung workflow, aborts its signal and absorbs its late rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const result = failure(await runnerFor('hangingWorkflow', 200).run(sampleInput({ rolloutId: 'ro-hang' })));
      assert.equal(result.reason, 'timeout');
      assert.equal(result.message, 'workflow did not finish within 200 ms');
      assert.ok(result.durationMs >= 190, `durationMs ${result.durationMs}`);
      assert.ok(abortedRollouts.includes('ro-hang'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reports cancelled when the caller aborts, and does not start an already-cancelled run', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const input = sampleInput({ rolloutId: 'ro-cancel', signal: controller.signal });
    const result = failure(await runnerFor('hangingWorkflow').run(input));
    assert.equal(result.reason, 'cancelled');
    assert.ok(abortedRollouts.includes('ro-cancel'));

    const before = abortedRollouts.length;
    const early = failure(
      await runnerFor('hangingWorkflow').run(sampleInput({ rolloutId: 'ro-early', signal: AbortSignal.abort() })),
    );
    assert.equal(early.reason, 'cancelled');
    assert.equal(abortedRollouts.length, before, 'the workflow was never called');
  });

  it('names the bad path of a malformed output', async () => {
    const cases: [string, RegExp][] = [
      ['badShapeWorkflow', /output\.metrics\.score: .*expected number/],
      ['emptyWorkflow', /at least one of/],
      ['snakeCaseWorkflow', /did you mean "finalAnswer"/],
      ['nanRewardWorkflow', /output\.reward/],
      ['cyclicMetadataWorkflow', /not JSON-serialisable/],
    ];
    for (const [exportName, pattern] of cases) {
      const result = failure(await runnerFor(exportName).run(sampleInput()));
      assert.equal(result.reason, 'bad_output', exportName);
      assert.match(result.message, pattern, exportName);
    }
  });

  it('fails the start-up check for a missing file, export, non-function or wrong arity', async () => {
    const cases: [string, RegExp][] = [
      ['missing.ts#run', /no file .*missing\.ts/],
      ['module-workflows.ts#nope', /no export "nope" \(exports: .*echoWorkflow/],
      ['module-workflows.ts#notAFunction', /is number, not a function/],
      ['module-workflows.ts#twoParameterWorkflow', /takes 2 parameters; a workflow takes one input object/],
    ];
    for (const [spec, pattern] of cases) {
      const runner = createModuleRunner({ type: 'module', module: spec, timeoutMs: 1_000 }, FIXTURES_DIR);
      const check = await runner.check();
      assert.equal(check.ok, false, spec);
      assert.match(check.ok ? '' : check.message, pattern, spec);
      // A run without the check reports the same problem as data, not as an exception.
      const result = failure(await runner.run(sampleInput()));
      assert.equal(result.reason, 'crashed');
      assert.match(result.message, pattern);
    }
  });

  describe('module cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcall-workflow-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('imports the module once per runner', async () => {
      copyFileSync(join(FIXTURES_DIR, 'plain-workflow.js'), join(dir, 'plain-workflow.js'));
      const runner = createModuleRunner({ type: 'module', module: 'plain-workflow.js#run', timeoutMs: 1_000 }, dir);
      assert.deepEqual(await runner.check(), { ok: true });
      rmSync(join(dir, 'plain-workflow.js'));
      const results = await Promise.all([1, 2, 3].map(() => runner.run(sampleInput())));
      assert.deepEqual(results.map((r) => r.ok && r.output.response), ['plain js', 'plain js', 'plain js']);
    });
  });
});
