import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { checkFlavourRun, pythonFunctionStats } from '../../support/flavour-run.ts';
import { scriptFlavourTasks, type Behaviour } from '../../support/flavour-scripts.ts';
import { exampleDataFlags } from '../../support/gsm8k-scripts.ts';
import { TEST_PYTHON } from '../../support/python.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let engine: FakeEngine;
let behaviours: Map<string, Behaviour>;

before(async () => {
  engine = await startFakeEngine({ maxModelLen: 8192 });
  behaviours = scriptFlavourTasks(engine);
});
after(async () => {
  await engine.close();
});

async function trainFlavour(flavour: string) {
  const runsDir = mkdtempSync(join(tmpdir(), `rollcall-${flavour}-`));
  const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'train', '--conf', `examples/math-agent/${flavour}.yaml`, ...exampleDataFlags(), '--backbone', 'debug', '--steps', '1'], {
    cwd: ROOT,
    env: { ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_RUNS_DIR: runsDir, ROLLCALL_PYTHON: TEST_PYTHON },
  });
  assert.match(stdout, /done: 1 step/);
  assert.doesNotMatch(stderr, /MaxListenersExceededWarning/, 'more rollouts in flight than Node\'s default listener limit, on one shutdown signal');
  return checkFlavourRun(runsDir, behaviours, flavour);
}

for (const flavour of ['math-agent', 'openai-sdk', 'fetch', 'langchain', 'python-command', 'anthropic-sdk', 'responses']) {
  test(`flavour ${flavour}: tool call then boxed answer, a tool error, a malformed call and a wrong answer, all recorded and judged right`, async () => {
    await trainFlavour(flavour);
  });
}

test('flavour python: the same outcomes from a Python workflow and judge served by one process, many rollouts at once', async () => {
  const { log, rollouts } = await trainFlavour('python');
  const stats = pythonFunctionStats(log);
  assert.ok(stats.workflow !== null && stats.judge !== null);
  assert.equal(stats.workflow.failed, 0);
  assert.ok(stats.workflow.maxInFlight > 1, `rollouts ran at once in the one Python process (most at once: ${stats.workflow.maxInFlight})`);
  assert.equal(stats.workflow.calls, stats.judge.calls, 'every rollout judged by the Python judge');
  // The Python judge's own rule: code that never prints is counted (and would cost reward).
  for (const { behaviour, judge } of rollouts) {
    if (behaviour !== 'malformed') assert.equal(judge['judge/silent_code_calls'], behaviour === 'wrong' ? 1 : 0, behaviour);
  }
});
