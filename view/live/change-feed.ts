import type { ChangeEvent } from '../api/view-wire.ts';
import { runSummary } from '../data/run-data.ts';
import type { RunCatalog } from '../sources/run-catalog.ts';
import type { RunSource } from '../sources/run-source.ts';

/**
 * Tells open pages when a run changed, without their polling: while anyone listens, each run
 * they watch is looked at every `intervalMs` (a cheap database fingerprint, the metrics file's
 * new bytes, the number of batch files), and a change is sent to its listeners with the metrics
 * lines each listener has not seen yet. `flush()` looks at once; a closing view calls it last so
 * pages get the final state of a run that just ended.
 */

export type ChangeListener = { runId: string | null; metricsRevision: number; lastStamp: Map<string, string>; send(event: ChangeEvent): void };

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(
    private readonly catalog: RunCatalog,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Listens to one run (or all runs with `runId` null); returns the function that stops it. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs).unref();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** Looks at every watched run now and sends what changed (once more after a look in progress). */
  flush(): Promise<void> {
    if (this.running !== null) {
      this.next ??= this.running.then(() => {
        this.next = null;
        return this.flush();
      });
      return this.next;
    }
    this.running = this.lookAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async lookAll(): Promise<void> {
    try {
      const watchesAll = [...this.listeners].some((l) => l.runId === null);
      const runs = watchesAll ? this.catalog.list() : [...new Set([...this.listeners].map((l) => l.runId as string))].map((id) => this.catalog.get(id));
      for (const run of runs) await this.look(run);
    } catch (error) {
      this.onError(error);
    }
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private async look(run: RunSource): Promise<void> {
    run.metrics?.refresh();
    const fingerprint = run.database()?.browser.fingerprint() ?? null;
    const batchSteps = (await run.batches?.steps())?.size ?? 0;
    const revision = run.metrics?.revision ?? 0;
    const stamp = JSON.stringify([fingerprint, revision, batchSteps]);
    for (const listener of this.listeners) {
      if (listener.runId !== null && listener.runId !== run.id) continue;
      if (listener.lastStamp.get(run.id) === stamp) continue;
      const first = !listener.lastStamp.has(run.id);
      listener.lastStamp.set(run.id, stamp);
      if (first && listener.metricsRevision >= revision) continue;
      const metrics = listener.runId === null ? [] : (run.metrics?.rowsSince(listener.metricsRevision) ?? []);
      if (listener.runId !== null) listener.metricsRevision = revision;
      listener.send({ runId: run.id, stamp, metricsRevision: revision, metrics, summary: runSummary(run) });
    }
  }
}
