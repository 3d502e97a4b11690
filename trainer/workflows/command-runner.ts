/**
 * Runs a workflow as an external program in any language. Contract for the program:
 * - input in its environment (see `command-env.ts`): `OPENAI_BASE_URL`, `OPENAI_API_KEY`,
 *   `OPENAI_MODEL`, `ANTHROPIC_BASE_URL`, `ANTHROPIC_API_KEY`, `ROLLCALL_TASK` (JSON), `ROLLCALL_ROLLOUT_ID`, `ROLLCALL_ATTEMPT`,
 *   `ROLLCALL_METADATA` (JSON), `ROLLCALL_AUXILIARY_MODELS` (JSON); stdin is closed;
 * - output: a JSON `WorkflowOutput` as the last line of stdout (log lines before it are fine);
 * - exit code 0; anything else is `crashed`, reported with the end of stderr;
 * - stderr is free-form; its last `maxStderrBytes` go to the run log with the result.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { buildCommandEnv, staticCommandEnv } from './command-env.ts';
import { readStdoutJson } from './command-stdout.ts';
import { startDeadline, stopMessage } from './run-deadline.ts';
import type { CommandWorkflowConfig } from './workflow-config.ts';
import { validateWorkflowOutput } from './workflow-output.ts';
import { startWorkflowProcess, type ProcessOutcome } from './workflow-process.ts';
import { describeThrown, failed, startClock, succeeded } from './workflow-result.ts';
import type {
  WorkflowCheck,
  WorkflowResult,
  WorkflowRunInput,
  WorkflowRunner,
} from './workflow-types.ts';

/** How much of stderr's end goes into a crash message; the whole kept tail is in `stderr`. */
const STDERR_IN_MESSAGE_CHARS = 1_000;

function stderrEnd(stderr: string): string {
  const trimmed = stderr.trimEnd();
  if (trimmed === '') return '';
  const end =
    trimmed.length > STDERR_IN_MESSAGE_CHARS ? `…${trimmed.slice(-STDERR_IN_MESSAGE_CHARS)}` : trimmed;
  return `; stderr ends with:\n${end}`;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false; // missing or not executable: the check reports it
  }
}

/** Start-up check: the cwd is a folder and the program is found the way spawn will look for it. */
function checkCommand(program: string, cwd: string, env: Record<string, string>): WorkflowCheck {
  let isFolder = false;
  try {
    isFolder = statSync(cwd).isDirectory();
  } catch {
    // missing: reported below
  }
  if (!isFolder) return { ok: false, message: `workflow command cwd ${cwd} is not a folder` };
  const found = program.includes('/')
    ? isExecutable(resolve(cwd, program))
    : (env.PATH ?? '')
        .split(delimiter)
        .some((dir) => dir !== '' && isExecutable(resolve(dir, program)));
  if (found) return { ok: true };
  return {
    ok: false,
    message: `workflow command "${program}" is not an executable file (cwd ${cwd}, PATH of the workflow)`,
  };
}

function classifyExit(
  outcome: ProcessOutcome,
  program: string,
  cwd: string,
  startedAt: number,
): WorkflowResult {
  const { stderr } = outcome;
  if (outcome.startError !== null) {
    const why = describeThrown(outcome.startError);
    return failed('crashed', `could not start "${program}" in ${cwd}: ${why}`, startedAt);
  }
  if (outcome.stdoutOverflowed) {
    const message =
      'bad workflow output: stdout passed its size limit (maxStdoutBytes); the command was stopped';
    return failed('bad_output', message, startedAt, stderr);
  }
  if (outcome.exitCode !== 0) {
    const how =
      outcome.exitCode === null
        ? `was killed by ${String(outcome.signal)}`
        : `exited with code ${outcome.exitCode}`;
    return failed('crashed', `workflow command ${how}${stderrEnd(stderr)}`, startedAt, stderr);
  }
  const json = readStdoutJson(outcome.stdout);
  if (!json.ok) return failed('bad_output', json.message, startedAt, stderr);
  const validation = validateWorkflowOutput(json.value);
  if (!validation.ok) return failed('bad_output', validation.message, startedAt, stderr);
  return succeeded(validation.output, startedAt, stderr);
}

export function createCommandRunner(config: CommandWorkflowConfig, baseDir: string): WorkflowRunner {
  const cwd = resolve(baseDir, config.cwd ?? '.'); // an absolute cwd stays as it is
  const program = config.command[0] ?? '';

  async function run(input: WorkflowRunInput): Promise<WorkflowResult> {
    const startedAt = startClock();
    const deadline = startDeadline(config.timeoutMs, input.signal);
    try {
      const early = deadline.stopReason();
      if (early !== null) return failed(early, stopMessage(early, config.timeoutMs), startedAt);

      const child = startWorkflowProcess({
        argv: config.command,
        cwd,
        env: buildCommandEnv(config, input),
        killGraceMs: config.killGraceMs,
        maxStdoutBytes: config.maxStdoutBytes,
        maxStderrBytes: config.maxStderrBytes,
      });
      void deadline.stopped.then(() => child.terminate());
      // Wait for the process to be gone even after a timeout: a result means no leftover process,
      // and the stderr of a hung agent is the best clue to why it hung.
      const outcome = await child.done;
      const why = deadline.stopReason();
      // A child that exited on its own just before the deadline keeps its own result.
      if (why !== null && outcome.terminated && !outcome.stdoutOverflowed) {
        return failed(why, stopMessage(why, config.timeoutMs), startedAt, outcome.stderr);
      }
      return classifyExit(outcome, program, cwd, startedAt);
    } finally {
      deadline.dispose();
    }
  }

  return {
    check: async () => checkCommand(program, cwd, staticCommandEnv(config)),
    run,
  };
}
