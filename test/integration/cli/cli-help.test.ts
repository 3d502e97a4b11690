import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DATA_SPEC } from '../../../cli/data-command.ts';
import { DOCTOR_SPEC } from '../../../cli/doctor-command.ts';
import { EVAL_SPEC } from '../../../cli/eval-command.ts';
import { EXPORT_SPEC } from '../../../cli/export-command.ts';
import { QUICKSTART_SPEC } from '../../../cli/quickstart-command.ts';
import { VIEW_SPEC } from '../../../cli/view-command.ts';
import { TRAIN_SPEC } from '../../../cli/train-command.ts';
import { WORKER_SPEC } from '../../../cli/worker-command.ts';
import { SERVE_SPEC } from '../../../proxy/serve/load-serve-config.ts';
import type { CommandSpec } from '../../../src/config/command-line.ts';
import { CLI } from '../../support/serve-process.ts';

const execute = promisify(execFile);

async function rollcall(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execute(process.execPath, [CLI, ...args], { env: { ...process.env, ROLLCALL_PYTHON: '/nonexistent/python3' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const SPECS: Record<string, CommandSpec> = { serve: SERVE_SPEC, train: TRAIN_SPEC, eval: EVAL_SPEC, export: EXPORT_SPEC, view: VIEW_SPEC, worker: WORKER_SPEC, doctor: DOCTOR_SPEC, data: DATA_SPEC, quickstart: QUICKSTART_SPEC };

test('rollcall --help lists every command, and every command has its flag table', async () => {
  const { code, stdout } = await rollcall(['--help']);
  assert.equal(code, 0);
  const listed = [...stdout.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]);
  assert.deepEqual(listed.sort(), Object.keys(SPECS).sort());
  assert.equal((await rollcall([])).code, 0);
  const unknown = await rollcall(['trian']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "trian"/);
});

test('rollcall --version prints the package version', async () => {
  const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  for (const flag of ['--version', '-V']) {
    const { code, stdout } = await rollcall([flag]);
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`^rollcall ${version.replace(/\./g, '\\.')} \\(node v\\d+`));
  }
});

for (const [name, spec] of Object.entries(SPECS)) {
  test(`rollcall ${name} --help prints a usage that lists every flag, and exits 0`, async () => {
    // -h is the same flag everywhere (one parser); two commands try it.
    for (const flag of name === 'train' || name === 'serve' ? ['--help', '-h'] : ['--help']) {
      const { code, stdout } = await rollcall([name, flag]);
      assert.equal(code, 0, `${name} ${flag}`);
      const usage = stdout.slice(stdout.indexOf('usage:'), stdout.indexOf('\n\n', stdout.indexOf('usage:')));
      assert.match(usage, new RegExp(`^usage: rollcall ${name}`));
      for (const option of Object.keys(spec.flags)) assert.ok(usage.includes(`--${option}`), `${name} usage lists --${option}`);
      for (const option of Object.keys(spec.flags)) assert.match(stdout, new RegExp(`^ +(-\\w, )?--${option}\\b.* \\S`, 'm'), `${name} --help explains --${option}`);
    }
  });
}

test('rollcall help train is rollcall train --help', async () => {
  const { code, stdout } = await rollcall(['help', 'train']);
  assert.equal(code, 0);
  assert.match(stdout, /usage: rollcall train --conf FILE\.yaml .*\[--resume-latest\]/s);
});

test('a wrong flag says what is wrong, prints the usage line and exits 2', async () => {
  const { code, stderr } = await rollcall(['train', '--conf', 'x.yaml', '--stpes', '2']);
  assert.equal(code, 2);
  assert.match(stderr, /^rollcall train: Unknown option '--stpes'/);
  assert.match(stderr, /usage: rollcall train --conf FILE\.yaml/);
  const missing = await rollcall(['eval']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^rollcall eval: --conf is required/);
});
