import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { configRows } from '../../../../src/docs/schema-doc.ts';
import { renderConfigDoc } from '../../../../trainer/config/config-doc.ts';
import { CONFIG_FILE_RELATIVE } from '../../../../trainer/config/config-paths.ts';
import { externalProxyUrls } from '../../../../trainer/config/proxy-section.ts';
import { TrainerConfigSchema } from '../../../../trainer/config/trainer-config.ts';
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
  // A path is made absolute against the config's folder (so a run's config.yaml works from anywhere); a bare name stays a name.
  assert.equal(fromFile.type === 'python' ? fromFile.python : null, join(dirname(file), '.venv/bin/python'));
  assert.equal(fromFile.type === 'python' ? fromFile.module : null, `${join(dirname(file), 'agent.py')}:workflow`);
  const named = loadTrainerConfig(write('named.yaml', 'tasks:\n  train: { type: jsonl, path: t.jsonl }\nworkflow: { type: python, module: agents.math:workflow, python: python3 }\n'), {}, {}).config.workflow;
  assert.deepEqual(named.type === 'python' ? [named.module, named.python] : null, ['agents.math:workflow', 'python3']);
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

test('an unknown key names the nearest valid one at its place, or lists the valid ones', () => {
  const file = write('typos.yaml', `${minimal}rollout: { gropuSize: 8 }\nschedul: { steps: 2 }\nlearner: { hyper: { learningRate: 1 } }\ntasks_extra: 1\n`);
  assert.throws(() => loadTrainerConfig(file, {}, {}), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.ok(error.problems.includes('rollout.gropuSize: unknown key; did you mean rollout.groupSize?'), error.problems.join('\n'));
    assert.ok(error.problems.includes('schedul: unknown key; did you mean schedule?'));
    assert.match(error.problems.find((p) => p.startsWith('learner.hyper.learningRate')) ?? '', /^learner\.hyper\.learningRate: unknown key \(known here: lr, clipLow, /);
    return true;
  });
  const inUnion = write('union.yaml', 'tasks:\n  train: { type: huggingface, path: d, splt: test }\nworkflow: { type: module, module: ./a.ts#run }\n');
  assert.throws(() => loadTrainerConfig(inUnion, {}, {}), /tasks\.train\.splt: unknown key; did you mean tasks\.train\.split\?/);
});

test('paths become absolute: read ones against the config file, created ones against the working directory', () => {
  const file = write('paths.yaml', 'tasks:\n  train: { type: jsonl, path: data/t.jsonl }\n  validation: { type: huggingface, path: /abs/gsm8k, split: test }\nworkflow: { type: command, command: [python3, agent.py] }\njudge: { type: module, module: ./judge.ts#grade }\nrunsDir: out/runs\nproxy: { dbPath: ":memory:" }\n');
  const { config } = loadTrainerConfig(file, {}, {});
  assert.equal(config.tasks.train.type === 'jsonl' && config.tasks.train.path, join(dir, 'data/t.jsonl'));
  assert.equal(config.tasks.validation?.type === 'huggingface' && config.tasks.validation.path, '/abs/gsm8k');
  assert.equal(config.workflow.type === 'command' && config.workflow.cwd, dir, 'a command runs in the config folder, now said explicitly');
  assert.deepEqual(config.workflow.type === 'command' && config.workflow.command, ['python3', 'agent.py'], 'program and arguments are not paths of the config');
  assert.equal(config.judge.module, `${join(dir, 'judge.ts')}#grade`);
  assert.equal(config.runsDir, join(process.cwd(), 'out/runs'));
  assert.equal(config.proxy.dbPath, ':memory:');
});

test('--set overrides any key after the environment; its values are YAML and its paths start where the command runs', () => {
  const { config } = loadTrainerConfig(write('set.yaml', minimal), { set: ['rollout.groupSize=8', 'rollout.sampling.temperature=0.7', 'tasks.train.path=other.jsonl', 'judge.madness.checks=[nonsense]'] }, { ROLLCALL_RUNS_DIR: 'x' });
  assert.equal(config.rollout.groupSize, 8);
  assert.equal(config.rollout.sampling.temperature, 0.7);
  assert.equal(config.tasks.train.type === 'jsonl' && config.tasks.train.path, join(process.cwd(), 'other.jsonl'));
  assert.deepEqual(config.judge.madness.checks, ['nonsense']);
  assert.throws(() => loadTrainerConfig(write('set2.yaml', minimal), { set: ['no-equals-sign'] }, {}), /--set no-equals-sign: expected key\.path=value/);
  assert.throws(() => loadTrainerConfig(write('set3.yaml', minimal), { set: ['rollout.gropuSize=8'] }, {}), /did you mean rollout\.groupSize/);
});

test('every configuration key documented as a path is one the loader makes absolute', () => {
  const documented = configRows(TrainerConfigSchema)
    .filter((row) => /relative to the config file|relative paths start at the config file/i.test(row.description))
    .map((row) => row.path.replace(/ \(type: "[^"]+"\)/g, ''));
  for (const key of documented) assert.ok((CONFIG_FILE_RELATIVE as readonly string[]).includes(key), `${key} is a path relative to the config file; add it to config-paths.ts`);
  assert.ok(documented.length >= 5);
});

test('proxy.urls: several proxies as root URLs; a bad list names the entry and what is wrong', () => {
  const { config } = loadTrainerConfig(write('proxies.yaml', `${minimal}proxy: { urls: ['http://10.0.0.2:8787/v1', 'http://10.0.0.3:8787/'] }\n`), {}, {});
  assert.deepEqual(externalProxyUrls(config.proxy), ['http://10.0.0.2:8787', 'http://10.0.0.3:8787']);
  assert.deepEqual(externalProxyUrls(loadTrainerConfig(write('one-proxy.yaml', `${minimal}proxy: { url: 'http://10.0.0.2:8787/v1' }\n`), {}, {}).config.proxy), ['http://10.0.0.2:8787']);
  assert.deepEqual(externalProxyUrls(loadTrainerConfig(write('embedded.yaml', minimal), {}, {}).config.proxy), [], 'the embedded proxy stays the default');
  const cases = [
    ['{ urls: [] }', /^proxy\.urls: list at least one proxy/],
    ['{ urls: [not-a-url] }', /^proxy\.urls\.0: expected the http\(s\) URL of a running proxy/],
    ["{ urls: ['http://a:1', 'ftp://b:1'] }", /^proxy\.urls\.1: expected the http\(s\) URL of a running proxy/],
    ["{ urls: 'http://a:1' }", /^proxy\.urls: .*expected array/],
    ["{ urls: ['http://a:1', 'http://b:1', 'http://a:1/v1/'] }", /^proxy\.urls\.2: http:\/\/a:1\/v1\/ is listed twice \(as proxy\.urls\[0\]\)/],
    ["{ url: 'http://a:1', urls: ['http://b:1'] }", /^proxy\.urls: give proxy\.url \(one proxy\) or proxy\.urls \(several\), not both/],
  ] as const;
  for (const [proxy, problem] of cases) {
    const bad = write('bad-proxies.yaml', `${minimal}proxy: ${proxy}\n`);
    assert.throws(() => loadTrainerConfig(bad, {}, {}), (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && problem.test(e.problems[0] ?? ''), proxy);
  }
  const publish = "proxy: { urls: ['http://a:1', 'http://b:1'] }\nlearner: { type: worker, colocated: false, publish: { method: vllm-lora, dir: w } }\n";
  assert.throws(() => loadTrainerConfig(write('publish-proxies.yaml', `${minimal}${publish}`), {}, {}), /learner\.publish\.engineUrls: required with proxy\.url or proxy\.urls/);
});
