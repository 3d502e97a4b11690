import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
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

test('rollcall.tune() trains the Python math agent and judge from one Python call, with the other flavours\' outcomes', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'rollcall-tune-'));
  // A user's shell: the package on PYTHONPATH, node on PATH; tune finds this checkout's bin/rollcall.js.
  const env = {
    ...process.env,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    PYTHONPATH: join(ROOT, 'adapters/python'),
    ROLLCALL_UPSTREAM: engine.url,
    ROLLCALL_RUNS_DIR: runsDir,
  };
  const { stdout } = await run(TEST_PYTHON, ['examples/math-agent/python_tune.py', '--backbone', 'debug', '--steps', '1', ...exampleDataFlags()], { cwd: ROOT, env });
  assert.match(stdout, /^rollcall train: gsm8k-math\/python, learner debug, run folder /m, 'the CLI\'s output passed through');
  assert.match(stdout, /^done: 1 step\(s\)/m);
  const { dir, log, rollouts } = checkFlavourRun(runsDir, behaviours, 'tune');
  assert.match(stdout, new RegExp(`^rollcall\\.tune returned ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  const config = parseYaml(readFileSync(join(dir, 'config.yaml'), 'utf8')) as { workflow: { type: string }; judge: { type: string } };
  assert.deepEqual([config.workflow.type, config.judge.type], ['http', 'http'], 'the functions were served by tune, not started by the trainer');
  assert.doesNotMatch(log, /python service http/, 'no Python process of the trainer\'s own');
  const stats = pythonFunctionStats(log);
  assert.ok(stats.workflow !== null && stats.workflow.maxInFlight > 1, `rollouts ran at once in the tune process (most at once: ${stats.workflow?.maxInFlight})`);
  assert.equal(stats.workflow.failed, 0);
  for (const { behaviour, judge } of rollouts) {
    if (behaviour !== 'malformed') assert.equal(judge['judge/silent_code_calls'], behaviour === 'wrong' ? 1 : 0, behaviour);
  }
});
