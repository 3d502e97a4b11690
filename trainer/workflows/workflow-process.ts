/**
 * One workflow child process: spawned without a shell, stdout and stderr captured with bounds,
 * stopped with SIGTERM and, after a grace period, SIGKILL.
 *
 * The child leads its own process group (`detached`) and signals go to the whole group: an agent
 * started through `sh -c`, `uv run` or `npm start` is a tree, and signalling only the top would
 * leave the real agent running and holding our stdout pipe open, so the run would never end.
 * For the same reason, when the leader exits, whatever it left behind in its group is killed: a
 * workflow's processes end with it. The cost: a group does not get the terminal's Ctrl-C, so the
 * trainer must cancel runs (abort their signal) when it shuts down. Windows has no groups there;
 * only the child itself is signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { HeadBuffer, TailBuffer } from './bounded-buffers.ts';

export type ProcessOptions = {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  killGraceMs: number;
  maxStdoutBytes: number;
  maxStderrBytes: number;
};

export type ProcessOutcome = {
  /** Set when the program could not be started (ENOENT, EACCES, E2BIG); nothing else is then. */
  startError: Error | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout passed `maxStdoutBytes`; the process was stopped and `stdout` is empty. */
  stdoutOverflowed: boolean;
  stderr: string;
  /** `terminate` was called (or stdout overflowed) before the process exited. */
  terminated: boolean;
};

export type WorkflowProcess = {
  readonly done: Promise<ProcessOutcome>;
  /** SIGTERM to the group now, SIGKILL after the grace period; a no-op once it has exited. */
  terminate(): void;
};

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // ESRCH: every process of the group has already exited, which is what we wanted.
  }
}

export function startWorkflowProcess(options: ProcessOptions): WorkflowProcess {
  const stdout = new HeadBuffer(options.maxStdoutBytes);
  const stderr = new TailBuffer(options.maxStderrBytes);
  const outcome = (fields: Partial<ProcessOutcome>): ProcessOutcome => ({
    startError: null,
    exitCode: null,
    signal: null,
    stdout: stdout.overflowed ? '' : stdout.text(),
    stdoutOverflowed: stdout.overflowed,
    stderr: stderr.text(),
    terminated,
    ...fields,
  });

  const [program = '', ...args] = options.argv;
  let child: ChildProcess;
  let terminated = false;
  try {
    child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      windowsHide: true,
    });
  } catch (error) {
    // spawn throws synchronously for some errors (E2BIG: an environment over the kernel's limit).
    return { done: Promise.resolve(outcome({ startError: error as Error })), terminate: () => {} };
  }

  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;
  const terminate = (): void => {
    if (exited || terminated) return;
    terminated = true;
    signalGroup(child, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), options.killGraceMs);
  };

  child.stdout?.on('data', (chunk: Buffer) => {
    if (!stdout.push(chunk)) terminate();
  });
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));

  const done = new Promise<ProcessOutcome>((resolve) => {
    let startError: Error | null = null;
    child.on('error', (error) => {
      startError ??= error; // a failed start is followed by 'close', which resolves
    });
    child.on('exit', () => {
      exited = true;
      clearTimeout(killTimer);
      signalGroup(child, 'SIGKILL');
      // A descendant that left the group (setsid) can still hold the pipes open; stop reading
      // after the grace period rather than wait for it forever.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, options.killGraceMs + 100).unref();
    });
    child.on('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(killTimer);
      if (startError !== null) resolve(outcome({ startError }));
      else resolve(outcome({ exitCode, signal }));
    });
  });
  return { done, terminate };
}
