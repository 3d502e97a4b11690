import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  JudgeResponseSchema,
  ServiceErrorBodySchema,
  ServiceStatsSchema,
  TIMEOUT_HEADER,
  WorkflowOutputSchema,
} from '../../../../src/wire/function-service.ts';
import { startPythonHost, type PythonHost } from '../../../../trainer/function-service/python-host.ts';
import { pythonHostPlan } from '../../../../trainer/function-service/python-plan.ts';
import { JudgeConfigSchema } from '../../../../trainer/config/judge-config.ts';
import { WorkflowConfigSchema } from '../../../../trainer/workflows/workflow-config.ts';
import { TEST_PYTHON } from '../../../support/python.ts';
import { FIXTURES_DIR, sampleInput } from '../workflows/sample-input.ts';

const lines: string[] = [];
const log = (line: string) => lines.push(line);

function plan(workflow: string | null, judge: string | null) {
  const config = {
    workflow: WorkflowConfigSchema.parse(workflow === null ? { type: 'module', module: 'x.ts#y' } : { type: 'python', module: workflow, python: TEST_PYTHON }),
    judge: JudgeConfigSchema.parse(judge === null ? {} : { type: 'python', module: judge }),
  };
  const options = pythonHostPlan(config, FIXTURES_DIR, log);
  assert.ok(options !== null);
  return { ...options, python: TEST_PYTHON };
}

async function post(host: PythonHost, path: string, body: unknown, timeoutMs?: number) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (timeoutMs !== undefined) headers[TIMEOUT_HEADER] = String(timeoutMs);
  const response = await fetch(`${host.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as unknown };
}

const { signal: _unused, ...request } = sampleInput();
const judgeRequest = (query: string) => ({
  task: { ...request.task, query },
  output: { response: 'x' },
  context: { calls: [{ seq: 0, completionText: 'c', toolCalls: [], flags: {}, finishReason: 'stop' }], auxiliaryModels: {} },
});

describe('the Python service as the trainer sees it (the src/wire contract)', () => {
  let host: PythonHost;
  before(async () => {
    host = await startPythonHost(plan('./python_functions.py:workflow', './python_functions.py:judge'));
  });
  after(async () => {
    await host.close();
  });

  it('announces itself in the run log and answers workflow and judge in the wire shapes', async () => {
    assert.ok(lines.some((line) => /^python service http:\/\/127\.0\.0\.1:\d+ \(pid \d+\) serves workflow \/.*python_functions\.py:workflow, judge \/.*python_functions\.py:judge$/.test(line)));
    const workflow = await post(host, '/workflow', { ...request, task: { ...request.task, query: 'q1' } });
    assert.equal(workflow.status, 200);
    assert.deepEqual(WorkflowOutputSchema.parse(workflow.body), { response: 'q1 @ policy', metrics: { attempt: 2 } });
    const judge = await post(host, '/judge', judgeRequest('fine'));
    assert.deepEqual(JudgeResponseSchema.parse(judge.body), { reward: 1, isSuccess: true, metrics: { 'judge/calls': 1 } });
  });

  it('answers failures in the error shape, with the traceback or the stack it hung in', async () => {
    const raised = await post(host, '/workflow', { ...request, task: { ...request.task, query: 'raise' } });
    assert.equal(raised.status, 500);
    const error = ServiceErrorBodySchema.parse(raised.body).error;
    assert.equal(error.type, 'raised');
    assert.equal(error.message, 'ValueError: no tool for that');
    assert.match(error.traceback ?? '', /python_functions\.py", line \d+, in workflow\n\s+raise ValueError\("no tool for that"\)/);
    const hung = await post(host, '/judge', judgeRequest('hang judge'), 200);
    assert.equal(hung.status, 504);
    const timeout = ServiceErrorBodySchema.parse(hung.body).error;
    assert.equal(timeout.type, 'timeout');
    assert.match(timeout.traceback ?? '', /await asyncio\.sleep\(3600\)/);
    const bad = await post(host, '/workflow', { ...request, task: 'not a task' });
    assert.equal(ServiceErrorBodySchema.parse(bad.body).error.type, 'bad_request');
  });

  it('reports its counters and writes what the functions print to the run log', async () => {
    const stats = ServiceStatsSchema.parse(await (await fetch(`${host.url}/stats`)).json());
    assert.ok(stats.workflow !== null && stats.workflow.calls >= 1 && stats.workflow.maxInFlight >= 1);
    assert.equal(stats.workflow.inFlight, 0);
    assert.ok(lines.includes('python: workflow saw q1'));
  });
});

describe('starting the Python service', () => {
  const startFails = async (options: ReturnType<typeof plan>, message: RegExp) => {
    await assert.rejects(startPythonHost(options), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'RC_ERR_PYTHON_SERVICE_START');
      assert.match(error.message, message);
      return true;
    });
  };

  it('fails at start, saying why, for a missing function, a broken module, a wrong signature or interpreter', async () => {
    await startFails(plan('./python_functions.py:nope', null), /exited with code 2 before it was ready; stderr ends with:\n.*has no 'nope' \(functions: judge, one_argument, workflow\)/s);
    await startFails(plan('./python_broken.py:workflow', null), /exited with code 1 before it was ready.*ModuleNotFoundError: No module named 'not_a_module_anywhere'/s);
    await startFails(plan('./python_functions.py:one_argument', null), /a workflow is called as workflow\(task, model, auxiliary_models\)/);
    await startFails({ ...plan('./python_functions.py:workflow', null), python: '/no/such/python3' }, /could not start: spawn \/no\/such\/python3 ENOENT \(set the section's "python", or ROLLCALL_PYTHON/);
  });

  it('serves a python judge alone, and stops with close()', async () => {
    const host = await startPythonHost(plan(null, './python_functions.py:judge'));
    assert.equal(ServiceErrorBodySchema.parse((await post(host, '/workflow', request)).body).error.type, 'not_served');
    await host.close();
    assert.match((await host.goneReason()) ?? '', /exited with code 0/);
    assert.ok(lines.some((line) => line.startsWith('python functions: {"workflow":null,"judge":{"calls":0')));
  });
});
