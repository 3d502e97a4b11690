import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderConfigDoc } from '../../../../trainer/config/config-doc.ts';
import { ConfigError, loadTrainerConfig } from '../../../../trainer/config/load-trainer-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollcall-config-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const minimal = 'tasks:\n  train: { type: jsonl, path: t.jsonl }\nworkflow: { type: module, module: ./a.ts#run }\n';

test('a minimal config gets every default, the experiment from the file name, and is frozen', () => {
  const { config, baseDir } = loadTrainerConfig(write('gsm8k-run.yaml', minimal), {}, {});
  assert.equal(config.experiment, 'gsm8k-run');
  assert.equal(config.rollout.groupSize, 4);
  assert.equal(config.algorithm.estimator, 'grpo');
  assert.equal(config.learner.type, 'debug');
  assert.equal(config.proxy.engine.mode, 'auto');
  assert.equal(baseDir, dir);
  assert.throws(() => ((config.rollout as { groupSize: number }).groupSize = 9));
});

test('flags beat the environment, which beats the file', () => {
  const file = write('layers.yaml', `${minimal}learner: { type: worker, url: http://file:1 }\nschedule: { steps: 9 }\n`);
  const { config } = loadTrainerConfig(file, { backbone: 'debug', steps: 2 }, { ROLLCALL_LEARNER_URL: 'http://env:2', ROLLCALL_UPSTREAM: 'http://a:1, http://b:2' });
  assert.equal(config.learner.type, 'debug');
  assert.equal(config.learner.url, 'http://env:2');
  assert.equal(config.schedule.steps, 2);
  assert.deepEqual(config.proxy.engine.upstreams, ['http://a:1', 'http://b:2']);
});

test('python sections: ROLLCALL_PYTHON names the interpreter, and one process serves workflow and judge', () => {
  const python = 'tasks:\n  train: { type: jsonl, path: t.jsonl }\nworkflow: { type: python, module: ./agent.py:workflow, python: .venv/bin/python }\n';
  const file = write('python.yaml', `${python}judge: { type: python, module: ./judge.py:judge }\n`);
  const fromFile = loadTrainerConfig(file, {}, {}).config.workflow;
  assert.equal(fromFile.type === 'python' ? fromFile.python : null, '.venv/bin/python');
  const { config } = loadTrainerConfig(file, {}, { ROLLCALL_PYTHON: '/opt/py/bin/python3' });
  assert.ok(config.workflow.type === 'python');
  assert.equal(config.workflow.python, '/opt/py/bin/python3');
  assert.equal(config.judge.python, '/opt/py/bin/python3');
  const differing = write('two-pythons.yaml', `${python}judge: { type: python, module: ./judge.py:judge, python: python3.12 }\n`);
  assert.throws(() => loadTrainerConfig(differing, {}, {}), (e: unknown) => e instanceof ConfigError && /^judge\.python: a python judge runs in the python workflow's process/.test(e.problems[0] ?? ''));
  const judges = [
    ['{ type: http }', /^judge\.url: type http needs the url/],
    ['{ type: math, url: http://x/judge }', /^judge\.url: only a judge of type http/],
    ['{ type: python, module: ./judge.ts#judge }', /^judge\.module: type python: must look like "path\/to\/file.py:function"/],
    ['{ type: math, python: python3 }', /^judge\.python: only a judge of type python/],
  ] as const;
  for (const [judge, problem] of judges) {
    const bad = write('judge.yaml', `${minimal}judge: ${judge}\n`);
    assert.throws(() => loadTrainerConfig(bad, {}, {}), (e: unknown) => e instanceof ConfigError && problem.test(e.problems.join('\n')), judge);
  }
});

test('--workflow-url and --judge-url make the sections HTTP services, keeping what still applies', () => {
  const file = write('tune.yaml', 'tasks:\n  train: { type: jsonl, path: t.jsonl }\nworkflow: { type: python, module: ./agent.py:workflow, timeoutMs: 5000 }\n' +
    'judge: { type: python, module: ./judge.py:judge, timeoutMs: 7000, madness: { checks: [nonsense], reward: -1 } }\n');
  const { config } = loadTrainerConfig(file, { workflowUrl: 'http://127.0.0.1:9/workflow', judgeUrl: 'http://127.0.0.1:9/judge' }, { ROLLCALL_PYTHON: 'python3' });
  assert.deepEqual(config.workflow, { type: 'http', url: 'http://127.0.0.1:9/workflow', headers: {}, maxResponseBytes: 4 * 1024 * 1024, timeoutMs: 5000 });
  assert.equal(config.judge.type, 'http');
  assert.equal(config.judge.url, 'http://127.0.0.1:9/judge');
  assert.equal(config.judge.timeoutMs, 7000);
  assert.deepEqual(config.judge.madness, { checks: ['nonsense'], reward: -1 });
  assert.equal(config.judge.module, undefined);
});

test('every problem gets one line naming its path; YAML errors are one line too', () => {
  const bad = write('bad.yaml', 'tasks: { train: { type: csv, path: x } }\nworkflow: { type: module, module: nohash }\nrollout: { groupSize: 0, extra: 1 }\nsurprise: true\n');
  assert.throws(() => loadTrainerConfig(bad, {}, {}), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    const text = error.problems.join('\n');
    assert.match(text, /^tasks\.train\.type: /m);
    assert.match(text, /^rollout\.groupSize: /m);
    assert.match(text, /^rollout\.extra: unknown key/m);
    assert.match(text, /^surprise: unknown key/m);
    assert.match(error.message, new RegExp(`${error.problems.length} problems`));
    return true;
  });
  assert.throws(() => loadTrainerConfig(write('broken.yaml', 'tasks: [\n'), {}, {}), (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && /^YAML:/.test(e.problems[0] ?? ''));
  assert.throws(() => loadTrainerConfig(join(dir, 'missing.yaml'), {}, {}), /cannot read the file/);
});

test('docs/config.md is generated from the schema and up to date', () => {
  const doc = readFileSync(new URL('../../../../docs/config.md', import.meta.url), 'utf8');
  assert.equal(doc, renderConfigDoc(), 'run npm run docs');
  for (const key of ['rollout.groupSize', 'tasks.selector.bots.lambda', 'learner.hyper.clipHigh', 'proxy.engine.mode', 'schedule.evalPassK']) assert.ok(doc.includes(`\`${key}\``), key);
});
