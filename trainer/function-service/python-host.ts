/**
 * The Python process that serves a run's `type: python` workflow and judge:
 * `python -m rollcall serve` (adapters/python/rollcall/), started once per run, many rollouts at
 * once, instead of one interpreter per rollout.
 *
 * Lifetime: it is ready when it prints its `ServeReady` line; its stdin is a pipe the trainer
 * holds, and it stops when that closes, so it ends with the run even when the trainer is killed.
 * It leads its own process group (like command workflows, `workflow-process.ts`): closing signals
 * the whole group, so tool subprocesses its functions left behind end too. Its stdout and stderr
 * go to the run log line by line; a process that exits early is reported with the end of stderr,
 * and every rollout after that fails with that reason instead of a connection error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { detailError } from '../../src/errors/rollcall-error.ts';
import { ServeReadySchema, ServiceStatsSchema, type ServeReady, type ServiceStats } from '../../src/wire/function-service.ts';
import { TailBuffer } from '../workflows/bounded-buffers.ts';

export type PythonHostOptions = {
  python: string;
  /** Module specs with absolute file paths (`/abs/agent.py:workflow`), or null when not served. */
  workflow: string | null;
  judge: string | null;
  cwd: string;
  env: Record<string, string>;
  startTimeoutMs: number;
  log: (line: string) => void;
};

export type PythonHost = {
  readonly url: string;
  /**
   * Why the process is gone, or null while it runs. After a failed request pass `waitMs`: a
   * process that just died closes its port before its exit is seen here.
   */
  goneReason(waitMs?: number): Promise<string | null>;
  /** The service's counters, or null when it does not answer. */
  stats(): Promise<ServiceStats | null>;
  /** Logs the counters, closes stdin, waits for the exit; SIGTERM then SIGKILL if it lingers. */
  close(): Promise<void>;
};

const STOP_GRACE_MS = 5_000;

function within(promise: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the whole group has exited already.
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return code === null ? `was killed by ${String(signal)}` : `exited with code ${code}`;
}

function readyLine(line: string): ServeReady | null {
  if (!line.startsWith('{"rollcallServe"')) return null;
  try {
    const parsed = ServeReadySchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // an ordinary print that happens to start alike
  }
}

function serveArgs(options: PythonHostOptions): string[] {
  const args = ['-m', 'rollcall', 'serve', '--port', '0', '--ready-line', '--stop-on-stdin-close'];
  if (options.workflow !== null) args.push('--workflow', options.workflow);
  if (options.judge !== null) args.push('--judge', options.judge);
  return args;
}

/** Starts the service and resolves once it listens; rejects with `RC_ERR_PYTHON_SERVICE_START`. */
export function startPythonHost(options: PythonHostOptions): Promise<PythonHost> {
  const what = `the Python service (${options.python} -m rollcall serve${options.workflow === null ? '' : ` --workflow ${options.workflow}`}${options.judge === null ? '' : ` --judge ${options.judge}`})`;
  const stderr = new TailBuffer(16 * 1024);
  let exit: string | null = null;
  const child = spawn(options.python, serveArgs(options), { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  child.stdin.on('error', () => undefined); // EPIPE after the process died: its exit is reported instead
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(Buffer.from(`${line}\n`));
    options.log(`python: ${line}`);
  });

  return new Promise<PythonHost>((resolve, reject) => {
    const fail = (why: string): void => {
      signalGroup(child, 'SIGKILL');
      reject(detailError('RC_ERR_PYTHON_SERVICE_START', `${what} ${why}`)); // a no-op once it was ready
    };
    const timer = setTimeout(() => fail(`did not print its ready line within ${options.startTimeoutMs} ms`), options.startTimeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(`could not start: ${error.message} (set the section's "python", or ROLLCALL_PYTHON, to an interpreter)`);
    });
    child.on('exit', (code, signal) => {
      exit = `${what} ${describeExit(code, signal)}`;
      clearTimeout(timer);
      // What the service left behind in its group ends with it (tool subprocesses of a function).
      signalGroup(child, 'SIGKILL');
      // stderr may still be arriving: report once it is read to the end, or after 5 s when
      // a descendant that left the group (setsid) still holds the pipes, which are then dropped.
      void within(closed, STOP_GRACE_MS).then(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        fail(`${describeExit(code, signal)} before it was ready; stderr ends with:\n${stderr.text().trimEnd()}`);
      });
    });
    let ready: ServeReady | null = null;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const announced = ready === null ? readyLine(line) : null;
      if (announced === null) return options.log(`python: ${line}`);
      ready = announced;
      clearTimeout(timer);
      options.log(`python service ${announced.url} (pid ${announced.pid}) serves workflow ${announced.workflow ?? '-'}, judge ${announced.judge ?? '-'}`);
      const reason = () => (exit === null ? null : `${exit}; see the run log for its stderr`);
      resolve(hostHandle({ url: announced.url, child, exited, reason, log: options.log }));
    });
  });
}

type HostState = { url: string; child: ChildProcess; exited: Promise<void>; reason: () => string | null; log: (line: string) => void };

function hostHandle({ url, child, exited, reason, log }: HostState): PythonHost {
  const goneReason = async (waitMs = 0): Promise<string | null> => {
    if (reason() === null && waitMs > 0) await within(exited, waitMs);
    return reason();
  };
  const stats = async (): Promise<ServiceStats | null> => {
    if (reason() !== null) return null;
    try {
      const response = await fetch(`${url}/stats`, { signal: AbortSignal.timeout(2_000) });
      const parsed = ServiceStatsSchema.safeParse(await response.json());
      return parsed.success ? parsed.data : null;
    } catch {
      return null; // a hung or dying service: close() stops it anyway
    }
  };
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const counters = await stats();
    if (counters !== null) log(`python functions: ${JSON.stringify(counters)}`);
    child.stdin?.end();
    if (await within(exited, STOP_GRACE_MS)) return;
    signalGroup(child, 'SIGTERM');
    if (await within(exited, STOP_GRACE_MS)) return;
    signalGroup(child, 'SIGKILL');
    await exited;
  };
  return { url, goneReason, stats, close: () => (closing ??= close()) };
}
