import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWorkflowRunner } from '../../../../trainer/workflows/create-runner.ts';
import { runAll } from '../../../../trainer/workflows/run-pool.ts';
import { FIXTURES_DIR, sampleInput } from './sample-input.ts';

describe('createWorkflowRunner', () => {
  it('builds the runner the config names, resolving paths against the base dir', async () => {
    const moduleRunner = createWorkflowRunner({ type: 'module', module: 'module-workflows.ts#echoWorkflow' }, FIXTURES_DIR);
    const fromModule = await moduleRunner.run(sampleInput());
    assert.equal(fromModule.ok && fromModule.output.finalAnswer, '18');

    const commandRunner = createWorkflowRunner({ type: 'command', command: ['sh', 'answer.sh'] }, FIXTURES_DIR);
    const fromCommand = await commandRunner.run(sampleInput({ model: 'qwen3-8b' }));
    assert.equal(fromCommand.ok && fromCommand.output.finalAnswer, 'qwen3-8b');
  });

  it('throws a config error naming the path, before anything runs', () => {
    assert.throws(
      () => createWorkflowRunner({ type: 'command', command: ['x'], timeoutMs: -1 }, FIXTURES_DIR),
      (error: unknown) => error instanceof Error && /timeoutMs/.test(error.message),
    );
  });

  it('runs a group of rollouts through the pool with results in rollout order', async () => {
    const runner = createWorkflowRunner({ type: 'module', module: 'module-workflows.ts#delayedWorkflow' }, FIXTURES_DIR);
    const inputs = [30, 5, 20, 1].map((delayMs, attempt) =>
      sampleInput({ rolloutId: `ro-${attempt}`, attempt, metadata: { delayMs } }),
    );
    const results = await runAll(inputs, 2, (input) => runner.run(input));
    assert.deepEqual(results.map((r) => r.ok && r.output.response), ['ro-0', 'ro-1', 'ro-2', 'ro-3']);
  });
});
