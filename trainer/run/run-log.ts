import { appendFileSync } from 'node:fs';

/**
 * The run's `run.log`: trainer lines, workflow stderr and the embedded proxy's log, grouped so a
 * failure that repeats (an engine that is down fails every call the same way) is written once
 * with a count instead of once per call.
 *
 * Policy: an entry that can repeat has a key — a multi-line trainer entry (a workflow's stderr)
 * is keyed by its body with every number masked, a proxy warning or error by its message, error
 * message and code. The first
 * entry of a key is written in full, as it happens; later ones are only counted, and the count
 * is written (`repeated N more times since …`) at the next flush: every `flushIntervalMs`, when
 * asked, and at close. One-line trainer entries are never grouped: each names its rollout.
 */
export type RunLogOptions = { now?: () => Date; flushIntervalMs?: number };

type Group = { firstAt: string; lastAt: string; title: string; pending: number };

/** A pino line of the embedded proxy, as far as grouping needs it. */
type ProxyEntry = { level?: number; msg?: string; code?: string; err?: { message?: string; code?: string } };

export class RunLog {
  private readonly groups = new Map<string, Group>();
  private readonly codes = new Map<string, number>();
  private readonly now: () => Date;
  private readonly timer: NodeJS.Timeout;

  constructor(readonly file: string, options: RunLogOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 10_000);
    this.timer.unref();
  }

  /** A trainer line (timestamped); a multi-line entry is grouped by everything after its first line. */
  line(text: string): void {
    const at = this.now().toISOString();
    const newline = text.indexOf('\n');
    if (newline === -1) return this.write(`${at} ${text}\n`);
    const body = text.slice(newline + 1);
    // Stacks of one failure differ only in numbers (line numbers, `Promise.all (index 7)`).
    this.grouped(`trainer\n${body.replace(/\d+/g, '#')}`, at, `${text.slice(0, newline)} ${body.trimStart().split('\n', 1)[0]}`, `${at} ${text}\n`);
  }

  /** One JSON line of the embedded proxy's logger; warnings and errors repeat in groups. */
  proxyLine(raw: string): void {
    let entry: ProxyEntry;
    try {
      entry = JSON.parse(raw) as ProxyEntry;
    } catch {
      return this.write(raw.endsWith('\n') ? raw : `${raw}\n`);
    }
    const code = entry.err?.code ?? entry.code;
    if (code !== undefined) this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
    if ((entry.level ?? 0) < 40) return this.write(raw.endsWith('\n') ? raw : `${raw}\n`);
    const title = `proxy: ${entry.msg ?? 'log entry'}${entry.err?.message === undefined ? '' : `: ${entry.err.message}`}`;
    this.grouped(`proxy\n${title}\n${code ?? ''}`, this.now().toISOString(), title, raw.endsWith('\n') ? raw : `${raw}\n`);
  }

  /** How often each error code appeared in the proxy's log, most frequent first. */
  errorCodes(): [string, number][] {
    return [...this.codes.entries()].sort((a, b) => b[1] - a[1]);
  }

  /** Writes the counts of repeats not written yet. */
  flush(): void {
    for (const group of this.groups.values()) {
      if (group.pending === 0) continue;
      this.write(`${group.lastAt} the same entry repeated ${group.pending} more time${group.pending === 1 ? '' : 's'} since ${group.firstAt}: ${group.title}\n`);
      group.pending = 0;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private grouped(key: string, at: string, title: string, full: string): void {
    const group = this.groups.get(key);
    if (group === undefined) {
      this.groups.set(key, { firstAt: at, lastAt: at, title, pending: 0 });
      return this.write(full);
    }
    group.lastAt = at;
    group.pending += 1;
  }

  private write(text: string): void {
    appendFileSync(this.file, text);
  }
}
