/**
 * The soak: the real CLI serves `rollouts` rollouts spread evenly over `seconds` (each: create,
 * `callsPerRollout` calls alternating whole and streamed answers, finish), `workers` at a time,
 * while the bench samples the process's RSS every two seconds. Flat means the RSS of the last
 * part of the run does not climb: the slope of a least-squares line through the samples after
 * the warm-up, in MiB per minute, next to the first and last of those samples. Afterwards the
 * proxy stops (SIGTERM, which folds the WAL into the database file) and the file's size divided by
 * the calls it holds is the bytes each recorded call costs on disk.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { chatRequest } from './bench-setup.ts';
import { PROXY_CORE, readMemory, sleep, stopChild } from './processes.ts';
import { callOnce, createRollout, finishRollout, startServe } from './serve-cli.ts';

export type SoakOptions = { upstream: string; port: number; dbPath: string; seconds: number; rollouts: number; callsPerRollout: number; workers: number; warmupS: number };

export type RssSample = { atS: number; rssMiB: number };

export type SoakResult = {
  seconds: number;
  rollouts: number;
  calls: number;
  failedCalls: number;
  samples: RssSample[];
  warmRssMiB: number;
  endRssMiB: number;
  peakRssMiB: number;
  slopeMiBPerMin: number;
  /** The same slope over the second half of the run only. */
  lateSlopeMiBPerMin: number;
  dbBytes: number;
  rowsPerStatus: Record<string, number>;
  bytesPerCall: number;
  payloadBytesPerCall: number;
  requestBytes: number;
};

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxy / sxx;
}

function readStorage(dbPath: string): { rows: Record<string, number>; payload: number } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = Object.fromEntries(db.prepare<[], { status: string; n: number }>('SELECT status, COUNT(*) AS n FROM calls GROUP BY status').all().map((r) => [r.status, r.n]));
    const payload = db
      .prepare<[], { bytes: number }>(
        `SELECT AVG(length(request_json) + COALESCE(length(sent_json), 0) + COALESCE(length(response_json), 0) + COALESCE(length(prompt_ids), 0)
           + COALESCE(length(completion_ids), 0) + COALESCE(length(logprobs), 0) + length(choice_lengths_json) + COALESCE(length(usage_json), 0)) AS bytes FROM calls`,
      )
      .get() as { bytes: number };
    return { rows, payload: payload.bytes };
  } finally {
    db.close();
  }
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const bodies = { whole: chatRequest('S', false), stream: chatRequest('S', true) };
  const serve = await startServe(PROXY_CORE, options.upstream, options.port, options.dbPath);
  const started = performance.now();
  const elapsedS = () => (performance.now() - started) / 1000;
  const samples: RssSample[] = [];
  const sampler = setInterval(() => samples.push({ atS: elapsedS(), rssMiB: readMemory(serve.pid).rssMiB }), 2000);
  let next = 0;
  let calls = 0;
  let failedCalls = 0;
  const worker = async () => {
    for (let index = next++; index < options.rollouts; index = next++) {
      // Rollout i starts no earlier than i/rollouts of the run: the load is spread over the whole soak.
      const due = (index / options.rollouts) * options.seconds;
      if (elapsedS() < due) await sleep((due - elapsedS()) * 1000);
      const { rolloutId, apiKey } = await createRollout(serve.base);
      for (let c = 0; c < options.callsPerRollout; c++) {
        const isStream = c % 2 === 1;
        const ok = await callOnce(serve.base, apiKey, isStream ? bodies.stream : bodies.whole, isStream).catch(() => false);
        calls += 1;
        if (!ok) failedCalls += 1;
      }
      await finishRollout(serve.base, rolloutId);
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  clearInterval(sampler);
  if (elapsedS() - (samples.at(-1)?.atS ?? 0) >= 1) samples.push({ atS: elapsedS(), rssMiB: readMemory(serve.pid).rssMiB });
  const seconds = elapsedS();
  await stopChild(serve.child, 'SIGTERM');
  const warm = samples.filter((s) => s.atS >= options.warmupS);
  const storage = readStorage(options.dbPath);
  const dbBytes = statSync(options.dbPath).size;
  const rowCount = Object.values(storage.rows).reduce((sum, n) => sum + n, 0);
  return {
    seconds,
    rollouts: options.rollouts,
    calls,
    failedCalls,
    samples,
    warmRssMiB: warm[0]?.rssMiB ?? Number.NaN,
    endRssMiB: samples.at(-1)?.rssMiB ?? Number.NaN,
    peakRssMiB: Math.max(...samples.map((s) => s.rssMiB)),
    slopeMiBPerMin: slope(warm.map((s) => ({ x: s.atS / 60, y: s.rssMiB }))),
    lateSlopeMiBPerMin: slope(samples.filter((s) => s.atS >= seconds / 2).map((s) => ({ x: s.atS / 60, y: s.rssMiB }))),
    dbBytes,
    rowsPerStatus: storage.rows,
    bytesPerCall: dbBytes / rowCount,
    payloadBytesPerCall: storage.payload,
    requestBytes: (bodies.whole.length + bodies.stream.length) / 2,
  };
}
