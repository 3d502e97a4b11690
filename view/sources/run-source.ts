import { existsSync, readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { RunFolder } from '../../src/run/run-layout.ts';
import { RolloutBrowser } from '../../src/store/rollout-browse.ts';
import { openStoreReadOnly, type Store } from '../../src/store/store.ts';
import { sampleOptionsOf, type SampleOptions, type SamplesSection } from '../../src/trajectory/index.ts';
import { chooseDecoder, type EngineHint } from '../tokens/choose-decoder.ts';
import type { TokenDecoder } from '../tokens/token-decoder.ts';
import { BatchIndex } from './batch-index.ts';
import { CallTotalsCache } from './call-totals-cache.ts';
import { LruMemo } from './lru-memo.ts';
import { MetricsReader } from './metrics-reader.ts';

type ConfigFile = { text: string; parsed: Record<string, unknown>; mtimeMs: number };

/**
 * One run as the view reads it: a run folder (config.yaml, metrics.jsonl, batches, the trajectory
 * database, opened read-only when it exists) or, in the proxy, the proxy's own store with the run
 * folder it lives in when there is one. Everything is opened on first use and re-read when its
 * file changes, so a run that is still training is seen as it grows.
 */
export class RunSource {
  private opened: { store: Store; browser: RolloutBrowser } | null = null;
  private configFile: ConfigFile | null = null;
  private chosenDecoder: TokenDecoder | null = null;
  readonly metrics: MetricsReader | null;
  readonly batches: BatchIndex | null;
  /** Rollouts rebuilt lately (view/data/rollout-samples.ts). */
  readonly memo = new LruMemo(32);
  readonly callTotals = new CallTotalsCache();

  constructor(
    readonly id: string,
    readonly folder: RunFolder | null,
    private readonly options: { store?: Store; engine?: EngineHint; tokenizerDir?: string | undefined; databaseFile?: string | undefined } = {},
  ) {
    this.metrics = folder === null ? null : new MetricsReader(folder.metricsFile);
    this.batches = folder === null ? null : new BatchIndex(folder);
    if (options.store !== undefined) this.opened = { store: options.store, browser: new RolloutBrowser(options.store.db) };
  }

  get dir(): string {
    return this.folder?.dir ?? '';
  }

  /** The trajectory database, or null while the run has none (yet). */
  database(): { store: Store; browser: RolloutBrowser } | null {
    if (this.opened !== null) return this.opened;
    const file = this.options.databaseFile ?? this.folder?.databaseFile;
    if (file === undefined || !existsSync(file)) return null;
    const store = openStoreReadOnly(file);
    this.opened = { store, browser: new RolloutBrowser(store.db) };
    return this.opened;
  }

  /** config.yaml as written and parsed, re-read when it changes; null without one. */
  config(): ConfigFile | null {
    if (this.folder === null) return null;
    const info = statSync(this.folder.configFile, { throwIfNoEntry: false });
    if (info === undefined) return null;
    if (this.configFile?.mtimeMs !== info.mtimeMs) {
      const text = readFileSync(this.folder.configFile, 'utf8');
      const parsed = parseYaml(text) as unknown;
      this.configFile = { text, parsed: parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}, mtimeMs: info.mtimeMs };
    }
    return this.configFile;
  }

  /** The caps the trainer built this run's samples with (its config's `samples` section). */
  sampleOptions(): SampleOptions {
    const section = this.config()?.parsed.samples;
    return section !== null && typeof section === 'object' ? sampleOptionsOf(section as SamplesSection) : {};
  }

  decoder(): TokenDecoder {
    this.chosenDecoder ??= chooseDecoder({ tokenizerDir: this.options.tokenizerDir, engine: this.options.engine ?? this.engineOfConfig(), runDir: this.folder?.dir });
    return this.chosenDecoder;
  }

  /** Newest modification time of the run's files, for "updated … ago". */
  updatedAt(): number | null {
    if (this.folder === null) return null;
    // Not the -wal file: opening a database, even to read it, touches that.
    const times = [this.folder.metricsFile, this.options.databaseFile ?? this.folder.databaseFile, this.folder.configFile]
      .map((file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    const newest = Math.max(...times);
    return newest === 0 ? null : Math.round(newest);
  }

  /** Closes what the view opened (never a store it was given). */
  close(): void {
    if (this.options.store === undefined) this.opened?.store.close();
    this.opened = null;
  }

  private engineOfConfig(): EngineHint | undefined {
    const proxy = this.config()?.parsed.proxy as { engine?: EngineHint } | undefined;
    return proxy?.engine;
  }
}
