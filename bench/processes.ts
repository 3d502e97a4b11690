/**
 * Child processes of the bench: spawning pinned to a core with `taskset` (when it exists),
 * waiting for a child's one-line JSON "ready" banner, reading RSS from /proc, stopping cleanly.
 * The proxy gets core 0 to itself; the mock, the load generator and this process share core 1.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const PROXY_CORE = 0;
export const LOAD_CORE = 1;

/** Whether a program is on PATH. */
export function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const hasTaskset = hasProgram('taskset');

/** Pins this process (and so every child it spawns later without its own pin) to one core. */
export function pinSelf(core: number): void {
  if (hasTaskset) execFileSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** Children still running; killed (each by its own handle) if the bench exits early. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `taskset -c CORE cmd args` where taskset exists, `cmd args` otherwise (taskset execs: same pid). */
export function spawnPinned(core: number | null, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const [cmd, argv] = core !== null && hasTaskset ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
  const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export type ReadyChild = { child: ChildProcess; url: string; pid: number; log: () => string };

/** Spawns a bench child and resolves with the `{"ready":true,"url":...}` line it prints. */
export function spawnReady(core: number | null, args: string[], timeoutMs = 20_000): Promise<ReadyChild> {
  const child = spawnPinned(core, process.execPath, args);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not start in ${timeoutMs} ms: ${output}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((text) => text.startsWith('{"ready":true'));
      if (line === undefined) return;
      clearTimeout(timer);
      const banner = JSON.parse(line) as { url: string; pid: number };
      resolve({ child, url: banner.url, pid: banner.pid, log: () => output });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code}: ${output}`));
    });
  });
}

export type Memory = { rssMiB: number; peakMiB: number };

/** Resident and peak resident set size of a process, from /proc/<pid>/status. */
export function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** User + system CPU time a process has used so far, in seconds (clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Sends `signal` and waits for the exit; SIGKILL after `graceMs`. Resolves with the exit code. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}

/** A port that was free a moment ago (bind to 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The CPU model line of /proc/cpuinfo, or "unknown". */
export function cpuModel(): string {
  if (!existsSync('/proc/cpuinfo')) return 'unknown';
  return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
