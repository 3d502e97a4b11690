import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JudgeConfigSchema } from '../../../../trainer/config/judge-config.ts';
import { startPythonHost, type PythonHost } from '../../../../trainer/function-service/python-host.ts';
import { pythonHostPlan } from '../../../../trainer/function-service/python-plan.ts';
import { buildJudge } from '../../../../trainer/orchestrator/build-judge.ts';
import { createWorkflowRunner } from '../../../../trainer/workflows/create-runner.ts';
import { WorkflowConfigSchema } from '../../../../trainer/workflows/workflow-config.ts';
import type { WorkflowResult } from '../../../../trainer/workflows/workflow-types.ts';
import { TEST_PYTHON } from '../../../support/python.ts';
import { FIXTURES_DIR, sampleInput } from './sample-input.ts';

const workflowConfig = WorkflowConfigSchema.parse({ type: 'python', module: './python_functions.py:workflow', python: TEST_PYTHON, timeoutMs: 300 });
const judgeConfig = JudgeConfigSchema.parse({ type: 'python', module: './python_functions.py:judge', timeoutMs: 300, madness: { checks: [] } });
const log: string[] = [];

async function startHost(): Promise<PythonHost> {
  const plan = pythonHostPlan({ workflow: workflowConfig, judge: judgeConfig }, FIXTURES_DIR, (line) => log.push(line));
  assert.ok(plan !== null);
  return startPythonHost(plan);
}

const inputFor = (query: string, signal?: AbortSignal) =>
  sampleInput({ task: { ...sampleInput().task, query }, ...(signal === undefined ? {} : { signal }) });

function failure(result: WorkflowResult) {
  assert.equal(result.ok, false, JSON.stringify(result));
  return result.ok ? assert.fail('unreachable') : result;
}

describe('python workflow runner and python judge', () => {
  let host: PythonHost;
  before(async () => {
    host = await startHost();
  });
  after(async () => {
    await host.close();
  });

  it('runs the function and validates its output', async () => {
    const runner = createWorkflowRunner(workflowConfig, FIXTURES_DIR, { python: host });
    assert.deepEqual(await runner.check(), { ok: true });
    const result = await runner.run(inputFor('six times three'));
    assert.deepEqual(result.ok && result.output, { response: 'six times three @ policy', metrics: { attempt: 2 } });
  });

  it('reports a raise as crashed with its traceback for the run log, and a hang as a timeout with its stack', async () => {
    const runner = createWorkflowRunner(workflowConfig, FIXTURES_DIR, { python: host });
    const raised = failure(await runner.run(inputFor('raise')));
    assert.equal(raised.reason, 'crashed');
    assert.equal(raised.message, 'python workflow ./python_functions.py:workflow raised ValueError: no tool for that');
    assert.match(raised.stderr ?? '', /Traceback \(most recent call last\):\n.*python_functions\.py", line \d+, in workflow/s);
    const hung = failure(await runner.run(inputFor('hang')));
    assert.equal(hung.reason, 'timeout');
    assert.match(hung.message, /did not finish within 300 ms; its thread keeps running/);
    assert.match(hung.stderr ?? '', /RELEASE\.wait\(\)  # never set/);
    const garbage = failure(await runner.run(inputFor('garbage')));
    assert.equal(garbage.reason, 'bad_output');
    assert.match(garbage.message, /response=42, not a str/);
  });

  it('reports a cancelled run as cancelled', async () => {
    const controller = new AbortController();
    const running = createWorkflowRunner(workflowConfig, FIXTURES_DIR, { python: host }).run(inputFor('hang', controller.signal));
    controller.abort();
    assert.equal(failure(await running).reason, 'cancelled');
  });

  it('judges through the same process; a raise or a hang fails the rollout with where it happened', async () => {
    const judge = await buildJudge(judgeConfig, FIXTURES_DIR, { python: host });
    const context = { calls: [{ seq: 0, completionText: 'x', toolCalls: [], flags: {}, finishReason: 'stop' }], auxiliaryModels: {} };
    const task = { id: 't', query: 'fine', metadata: {} };
    assert.deepEqual(await judge(task, { response: 'r' }, context), { reward: 1, isSuccess: true, metrics: { 'judge/calls': 1 } });
    await assert.rejects(judge({ ...task, query: 'raise judge' }, { response: 'r' }, context), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'RC_ERR_JUDGE_SERVICE_FAILED');
      assert.match(error.message, /^python judge \.\/python_functions\.py:judge raised RuntimeError: judge kaboom\nTraceback/);
      return true;
    });
    await assert.rejects(judge({ ...task, query: 'hang judge' }, { response: 'r' }, context), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'RC_ERR_JUDGE_SERVICE_TIMEOUT');
      assert.match(error.message, /await asyncio\.sleep\(3600\)/);
      return true;
    });
  });

  it('without its Python service a python runner fails its check instead of every rollout', async () => {
    const check = await createWorkflowRunner(workflowConfig, FIXTURES_DIR).check();
    assert.equal(check.ok, false);
  });
});

it('every rollout after the Python process died fails with why it died, not a connection error', async () => {
  const host = await startHost();
  try {
    const runner = createWorkflowRunner(workflowConfig, FIXTURES_DIR, { python: host });
    failure(await runner.run(inputFor('exit')));
    const after = failure(await runner.run(inputFor('fine')));
    assert.equal(after.reason, 'crashed');
    assert.match(after.message, /^the Python service \(.* -m rollcall serve .*\) exited with code 3; see the run log/);
    assert.equal((await runner.check()).ok, false);
  } finally {
    await host.close();
  }
});
