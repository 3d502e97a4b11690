/**
 * Watches for CPU used by processes that are not part of this bench (on a shared development
 * box, other people's tests compete for the same two cores). Every 250 ms it reads
 * /proc/<pid>/stat of every process, and sums the CPU time gained by those outside this
 * process's tree. Cells wait for a quiet moment before they start and record the foreign load
 * during each window, so a contaminated number is visible in the results instead of silent.
 * Processes that live less than one sampling period are missed, so it can only under-report.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100;
const PERIOD_MS = 250;

type ProcSample = { ppid: number; ticks: number };

function readProcs(): Map<number, ProcSample> {
  const out = new Map<number, ProcSample>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After "pid (comm) ": state, ppid, ..., utime is field 14 and stime 15 of the full line.
      out.set(pid, { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process exited between readdir and read.
    }
  }
  return out;
}

function isOurs(pid: number, procs: Map<number, ProcSample>, root: number): boolean {
  for (let current = pid, hops = 0; current > 1 && hops < 64; hops++) {
    if (current === root) return true;
    current = procs.get(current)?.ppid ?? 0;
  }
  return false;
}

export type LoadWindow = { label: string; seconds: number; foreignCores: number };

export class ForeignLoadMonitor {
  private previous = readProcs();
  private foreignTicks = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly recent: { at: number; ticks: number }[] = [];
  readonly windows: LoadWindow[] = [];
  /** Total time spent waiting for a quiet box. */
  waitedMs = 0;

  constructor(
    private readonly root = process.pid,
    private waitBudgetMs = 120_000,
  ) {
    this.timer = setInterval(() => this.sample(), PERIOD_MS);
    this.timer.unref();
  }

  private sample(): void {
    const now = readProcs();
    let gained = 0;
    for (const [pid, sample] of now) {
      const before = this.previous.get(pid);
      if (before === undefined || isOurs(pid, now, this.root)) continue;
      gained += Math.max(0, sample.ticks - before.ticks);
    }
    this.previous = now;
    this.foreignTicks += gained;
    this.recent.push({ at: performance.now(), ticks: gained });
    while (this.recent.length > 8) this.recent.shift();
  }

  /** Foreign cores busy over the last second or so. */
  private recentCores(): number {
    const ticks = this.recent.slice(-4).reduce((sum, s) => sum + s.ticks, 0);
    return ticks / TICKS_PER_S / ((Math.min(4, this.recent.length) * PERIOD_MS) / 1000 || 1);
  }

  /**
   * Waits until foreign processes used under `cores` for a second, at most `maxMs` each time
   * and `budgetMs` over the whole run, so a box that never quietens still finishes the bench.
   */
  async waitQuiet(maxMs = 15_000, cores = 0.15): Promise<void> {
    const started = performance.now();
    const deadline = started + Math.min(maxMs, this.waitBudgetMs);
    while (performance.now() < deadline && (this.recent.length < 4 || this.recentCores() > cores)) {
      await new Promise((resolve) => setTimeout(resolve, PERIOD_MS));
    }
    const waited = performance.now() - started;
    this.waitBudgetMs = Math.max(0, this.waitBudgetMs - waited);
    this.waitedMs += waited;
  }

  /** Runs `work` and records the foreign load during it under `label`. */
  async window<T>(label: string, work: () => Promise<T>): Promise<T> {
    this.sample();
    const ticks = this.foreignTicks;
    const started = performance.now();
    const result = await work();
    this.sample();
    const seconds = (performance.now() - started) / 1000;
    this.windows.push({ label, seconds, foreignCores: (this.foreignTicks - ticks) / TICKS_PER_S / Math.max(seconds, 1e-3) });
    return result;
  }

  /** Gives later windows more time to wait for quiet (cold starts are the most load-sensitive cell). */
  extendWaitBudget(ms: number): void {
    this.waitBudgetMs += ms;
  }

  /** Foreign cores of the last recorded window. */
  lastForeignCores(): number {
    return this.windows.at(-1)?.foreignCores ?? NaN;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
