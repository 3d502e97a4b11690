import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createCommandRunner } from '../../../../trainer/workflows/command-runner.ts';
import {
  CommandWorkflowConfigSchema,
  type CommandWorkflowConfig,
} from '../../../../trainer/workflows/workflow-config.ts';
import type { WorkflowResult } from '../../../../trainer/workflows/workflow-types.ts';
import { FIXTURES_DIR, sampleInput } from './sample-input.ts';

type Overrides = Partial<
  Pick<CommandWorkflowConfig, 'timeoutMs' | 'killGraceMs' | 'env' | 'maxStdoutBytes' | 'maxStderrBytes'>
>;

// The interpreter itself, not a version manager's shim: a shim's start-up (pyenv: ~0.5 s) would
// race the short timeouts below.
const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

function pythonRunner(mode: string, overrides: Overrides = {}) {
  const config = CommandWorkflowConfigSchema.parse({
    type: 'command',
    command: [PYTHON, 'command-workflow.py', mode],
    timeoutMs: 5_000,
    killGraceMs: 200,
    ...overrides,
  });
  return createCommandRunner(config, FIXTURES_DIR);
}

function failure(result: WorkflowResult) {
  assert.equal(result.ok, false, JSON.stringify(result));
  return result.ok ? assert.fail('unreachable') : result;
}

/**
 * True while a process with this pid runs. A killed child whose parent died first stays a zombie
 * until init reaps it, and some container inits never do, so on Linux a zombie counts as gone.
 */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // no /proc (macOS) or no such process: ask the kernel with signal 0
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('command runner', () => {
  it('passes the rollout in the environment and reads the last stdout line', async () => {
    process.env.ROLLCALL_ADMIN_TOKEN = 'admin-secret-of-the-trainer';
    try {
      const result = await pythonRunner('echo-env', { env: { CUSTOM_VAR: 'custom' } }).run(sampleInput());
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.output.finalAnswer, '18');
      assert.deepEqual(result.output.metadata?.env, {
        OPENAI_BASE_URL: 'http://127.0.0.1:8787/v1',
        OPENAI_API_KEY: 'rk-test-key',
        OPENAI_MODEL: 'policy',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:8787',
        ANTHROPIC_API_KEY: 'rk-test-key',
        ROLLCALL_ROLLOUT_ID: 'ro-1',
        ROLLCALL_ATTEMPT: '2',
        CUSTOM_VAR: 'custom',
        ROLLCALL_ADMIN_TOKEN: null,
        ROLLCALL_TASK: { id: 'gsm8k-7', index: 7, query: 'What is 6 * 3?', referenceAnswer: '18', metadata: { split: 'train' } },
        ROLLCALL_METADATA: { step: 3 },
        ROLLCALL_AUXILIARY_MODELS: { judge: { baseUrl: 'http://judge/v1', apiKey: 'jk', model: 'qwen3' } },
        HAS_PATH: true,
        CWD: FIXTURES_DIR,
      });
      assert.equal(result.stderr, 'agent log on stderr\n');
    } finally {
      delete process.env.ROLLCALL_ADMIN_TOKEN;
    }
  });

  it('runs a shell script relative to cwd, and accepts pretty-printed JSON with nulls', async () => {
    const shell = createCommandRunner(
      CommandWorkflowConfigSchema.parse({ type: 'command', command: ['./answer.sh'], cwd: '.' }),
      FIXTURES_DIR,
    );
    const result = await shell.run(sampleInput());
    assert.deepEqual(result.ok && result.output, { finalAnswer: 'policy', metrics: { 'agent/turns': 1 } });
    const pretty = await pythonRunner('pretty').run(sampleInput());
    assert.deepEqual(pretty.ok && pretty.output, { response: 'pretty' });
  });

  it('reports a non-zero exit as crashed with the code and the end of stderr', async () => {
    const result = failure(await pythonRunner('crash').run(sampleInput()));
    assert.equal(result.reason, 'crashed');
    assert.match(result.message, /^workflow command exited with code 3; stderr ends with:\n.*ValueError: tool exploded$/s);
    assert.match(result.stderr ?? '', /Traceback/);
    const killed = failure(await pythonRunner('killed').run(sampleInput()));
    assert.equal(killed.reason, 'crashed');
    assert.equal(killed.message, 'workflow command was killed by SIGKILL');
  });

  it('reports garbage and malformed stdout as bad_output', async () => {
    const garbage = failure(await pythonRunner('garbage').run(sampleInput()));
    assert.equal(garbage.reason, 'bad_output');
    assert.equal(garbage.message, 'bad workflow output: the last line of stdout is not JSON: the answer is 42');
    const shape = failure(await pythonRunner('bad-shape').run(sampleInput()));
    assert.equal(shape.reason, 'bad_output');
    assert.match(shape.message, /output\.reward: .*expected number/);
    const snake = failure(await pythonRunner('snake-case').run(sampleInput()));
    assert.match(snake.message, /"final_answer" \(did you mean "finalAnswer"\?\)/);
  });

  it('stops a flood of stdout and reports bad_output', async () => {
    const result = failure(await pythonRunner('flood', { maxStdoutBytes: 256 * 1024 }).run(sampleInput()));
    assert.equal(result.reason, 'bad_output');
    assert.match(result.message, /stdout passed its size limit/);
  });

  it('keeps only the tail of a long stderr', async () => {
    const result = await pythonRunner('big-stderr', { maxStderrBytes: 1024 }).run(sampleInput());
    assert.ok(result.ok, JSON.stringify(result).slice(0, 300));
    const stderr = result.stderr ?? '';
    assert.match(stderr, /^\[… \d+ earlier bytes dropped\]\n/);
    assert.match(stderr, /stderr line 03999 \.+\n$/);
    assert.ok(!stderr.includes('stderr line 00000'));
    assert.ok(Buffer.byteLength(stderr) < 1024 + 64);
  });

  it('times out a hung command with SIGTERM and keeps its stderr', async () => {
    const result = failure(await pythonRunner('hang', { timeoutMs: 1_000, killGraceMs: 3_000 }).run(sampleInput()));
    assert.equal(result.reason, 'timeout');
    assert.equal(result.message, 'workflow did not finish within 1000 ms');
    assert.equal(result.stderr, 'thinking forever\n');
    // Well under the grace period: SIGTERM ended it, SIGKILL was not needed.
    assert.ok(result.durationMs < 1_000 + 1_500, `${result.durationMs} ms`);
  });

  it('kills a command that ignores SIGTERM after the grace period', async () => {
    const result = failure(await pythonRunner('ignore-term', { timeoutMs: 1_000, killGraceMs: 300 }).run(sampleInput()));
    assert.equal(result.reason, 'timeout');
    const pid = Number(/pid (\d+) ignores SIGTERM/.exec(result.stderr ?? '')?.[1]);
    assert.ok(pid > 0, `no pid in stderr: ${result.stderr}`);
    assert.ok(result.durationMs >= 1_000 + 300 - 20, `waited the grace period: ${result.durationMs} ms`);
    assert.equal(isRunning(pid), false);
  });

  it('does not wait for, and kills, processes left behind by a finished command', async () => {
    const result = await pythonRunner('background', { killGraceMs: 2_000 }).run(sampleInput());
    assert.ok(result.ok, JSON.stringify(result));
    assert.ok(result.durationMs < 1_000 + 1_500, `${result.durationMs} ms`);
    const pid = Number(/background pid (\d+)/.exec(result.stderr ?? '')?.[1]);
    assert.ok(pid > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(isRunning(pid), false);
  });

  it('kills the command when the caller aborts, and starts nothing when already aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = failure(await pythonRunner('hang').run(sampleInput({ signal: controller.signal })));
    assert.equal(result.reason, 'cancelled');
    assert.ok(result.durationMs < 1_000);
    const early = failure(await pythonRunner('hang').run(sampleInput({ signal: AbortSignal.abort() })));
    assert.equal(early.reason, 'cancelled');
    assert.equal(early.stderr, undefined, 'never started');
  });

  it('reports a program that cannot start as crashed, and the check finds it first', async () => {
    const runner = createCommandRunner(
      CommandWorkflowConfigSchema.parse({ type: 'command', command: ['no-such-agent-binary'] }),
      FIXTURES_DIR,
    );
    const check = await runner.check();
    assert.equal(check.ok, false);
    assert.match(check.ok ? '' : check.message, /"no-such-agent-binary" is not an executable file/);
    const result = failure(await runner.run(sampleInput()));
    assert.equal(result.reason, 'crashed');
    assert.match(result.message, /could not start "no-such-agent-binary".*ENOENT/);
    const badCwd = createCommandRunner(
      CommandWorkflowConfigSchema.parse({ type: 'command', command: ['python3'], cwd: 'missing-folder' }),
      FIXTURES_DIR,
    );
    assert.match(JSON.stringify(await badCwd.check()), /cwd .*missing-folder is not a folder/);
    assert.deepEqual(await pythonRunner('echo-env').check(), { ok: true });
  });
});
