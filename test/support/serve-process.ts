import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/rollcall.js', import.meta.url));

export type ServeProcess = { child: ChildProcessWithoutNullStreams; baseUrl: string; banner: string; startMs: number };

/** Runs the real `rollcall serve` (compiled, as users run it) and waits for its banner. */
export async function spawnServe(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ROLLCALL_LOG_LEVEL: 'warn', ...env },
  });
  let banner = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    // Generous: a loaded CI machine can take many seconds to start Node; a serve that never starts
    // is killed, so a failed start cannot leave the test process waiting on its child.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start within 60 s: ${banner}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      const match = /base URL:\s+(\S+)/.exec(banner);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (banner += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${banner}`)));
  });
  return { child, baseUrl, banner, startMs: performance.now() - started };
}

export function stopServe(serve: ServeProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    // A process a signal ended has no exit code, only its signal.
    if (serve.child.exitCode !== null || serve.child.signalCode !== null) return resolve(serve.child.exitCode);
    serve.child.once('exit', (code) => resolve(code));
    serve.child.kill(signal);
  });
}
