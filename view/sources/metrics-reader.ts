import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { MetricsRow } from '../api/view-wire.ts';

/**
 * Follows a run's `metrics.jsonl` as the trainer appends to it (format: trainer/metrics/
 * metrics-log.ts). Each refresh reads only the bytes added since the last one; a line still being
 * written (no newline yet) is read again at the next refresh. A step written twice (a resumed run) keeps
 * its later line. A file that shrank was rewritten: it is read again from the start.
 */
export class MetricsReader {
  private offset = 0;
  private readonly byStep = new Map<number, MetricsRow & { revision: number }>();
  private revisionCounter = 0;
  /** Lines that are not a JSON object with a numeric step (a crash cut one short). */
  unreadableLines = 0;

  constructor(readonly path: string) {}

  /** Reads what was appended; returns true when a row was added or replaced. */
  refresh(): boolean {
    const size = statSync(this.path, { throwIfNoEntry: false })?.size ?? 0;
    if (size < this.offset) this.reset();
    if (size === this.offset) return false;
    const fd = openSync(this.path, 'r');
    let complete: string;
    try {
      const buffer = Buffer.alloc(size - this.offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      const end = read === 0 ? -1 : buffer.lastIndexOf(0x0a, read - 1);
      if (end < 0) return false;
      complete = buffer.toString('utf8', 0, end);
      this.offset += end + 1;
    } finally {
      closeSync(fd);
    }
    let changed = false;
    for (const line of complete.split('\n')) if (line.trim() !== '') changed = this.take(line) || changed;
    return changed;
  }

  /** Rows by step, oldest step first. */
  rows(): MetricsRow[] {
    return [...this.byStep.values()].sort((a, b) => a.step - b.step).map(({ revision: _revision, ...row }) => row);
  }

  /** A counter that grows with every row added or replaced. */
  get revision(): number {
    return this.revisionCounter;
  }

  /** Rows added or replaced after `revision`. */
  rowsSince(revision: number): MetricsRow[] {
    return this.rows().filter((row) => (this.byStep.get(row.step)?.revision ?? 0) > revision);
  }

  private reset(): void {
    this.offset = 0;
    this.byStep.clear();
    this.unreadableLines = 0;
  }

  private take(line: string): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.unreadableLines += 1;
      return false;
    }
    if (parsed === null || typeof parsed !== 'object' || typeof (parsed as { step?: unknown }).step !== 'number') {
      this.unreadableLines += 1;
      return false;
    }
    const { step, time, nonFinite: _nonFinite, ...rest } = parsed as Record<string, unknown>;
    const values: Record<string, number | null> = {};
    for (const [key, value] of Object.entries(rest)) if (typeof value === 'number' || value === null) values[key] = value;
    this.revisionCounter += 1;
    this.byStep.set(step as number, { step: step as number, time: typeof time === 'number' ? time : 0, values, revision: this.revisionCounter });
    return true;
  }
}
