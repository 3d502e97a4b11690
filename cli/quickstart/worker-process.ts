import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { workerEnvironment, workerPackagePath } from '../worker-package.ts';

/**
 * The worker `rollcall quickstart` runs beside its training: `python -m rollcall_worker` (what
 * `rollcall worker` runs) on a free loopback port, its output in a log file. It is started in a
 * process group of its own, so the Ctrl-C a terminal sends to the whole foreground group reaches
 * only the trainer, which finishes its step and then stops the worker itself; a worker still
 * running when Node exits is killed on the way out.
 */
export type WorkerProcess = { url: string; logFile: string; stop(): Promise<void> };

export type WorkerStart = { python: string; args: readonly string[]; logFile: string; readyTimeoutMs: number };

const STOP_GRACE_MS = 15_000;

/** A loopback port nothing listens on right now (the OS picks it; it is closed again at once). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The last lines of the worker's log, for a start that failed. */
export function logTail(logFile: string, lines = 15): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `  | ${l}`).join('\n');
  } catch {
    return '  | (no log)';
  }
}

/** How the child ended, once it has: set by its 'error' or 'exit' event. */
function watchExit(child: ChildProcess): { exited: Promise<void>; reason(): string | null } {
  let reason: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      reason = `could not start (${error.message})`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      reason = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
      resolve();
    });
  });
  return { exited, reason: () => reason };
}

async function answersHealth(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/** Polls GET /health until it answers; null then, else why not (the child ended, or the time ran out). */
async function untilServing(url: string, reason: () => string | null, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await answersHealth(url)) return null;
    const ended = reason();
    if (ended !== null) return ended;
    if (Date.now() > deadline) return `did not answer GET /health within ${Math.round(timeoutMs / 1000)} s`;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts the worker and resolves once it answers GET /health; rejects with its log tail if it exits first. */
export async function startWorkerProcess(start: WorkerStart): Promise<WorkerProcess> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(start.logFile, 'w');
  const child = spawn(start.python, ['-m', 'rollcall_worker', ...start.args, '--host', '127.0.0.1', '--port', String(port)], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...workerEnvironment(workerPackagePath()), PYTHONUNBUFFERED: '1' },
  });
  closeSync(log);
  const { exited, reason } = watchExit(child);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (reason() === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
    })();
    return stopping;
  };
  const failed = await untilServing(url, reason, start.readyTimeoutMs);
  if (failed !== null) {
    await stop();
    throw new Error(`the worker ${failed} (log ${start.logFile}):\n${logTail(start.logFile)}`);
  }
  return { url, logFile: start.logFile, stop };
}
