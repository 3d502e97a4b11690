/**
 * The SIGKILL loop: 32 clients, each with its own rollout, call the real CLI back to back
 * (alternately whole and streamed answers) while the bench kills the process with SIGKILL at
 * pseudo-random moments and starts it again on the same database. A client counts an answer as
 * acknowledged only once it has it whole. Calls of one rollout are sequential, so every
 * acknowledged answer must be a completed row of its rollout after the last restart:
 * lost = acknowledged − completed rows, per rollout, and it must be 0. Completed rows beyond the
 * acknowledged ones are answers committed just before a kill that never reached their client.
 */
import Database from 'better-sqlite3';
import { chatRequest } from './bench-setup.ts';
import { PROXY_CORE, sleep, stopChild } from './processes.ts';
import { callOnce, createRollout, startServe, type Serve } from './serve-cli.ts';

export type KillLoopOptions = { upstream: string; port: number; dbPath: string; kills: number; clients: number; minUpMs: number; maxUpMs: number; seed: number };

export type KillLoopResult = {
  kills: number;
  clients: number;
  upMs: number[];
  acknowledged: number;
  completedRows: number;
  committedNotAcknowledged: number;
  lost: number;
  rowsByStatus: Record<string, number>;
  failedAttempts: number;
};

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function countRows(dbPath: string): { completed: Map<string, number>; byStatus: Record<string, number> } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare<[], { rollout_id: string; status: string; n: number }>('SELECT rollout_id, status, COUNT(*) AS n FROM calls GROUP BY rollout_id, status').all();
    const completed = new Map<string, number>();
    const byStatus: Record<string, number> = {};
    for (const row of rows) {
      byStatus[row.status] = (byStatus[row.status] ?? 0) + row.n;
      if (row.status === 'completed') completed.set(row.rollout_id, row.n);
    }
    return { completed, byStatus };
  } finally {
    db.close();
  }
}

export async function runKillLoop(options: KillLoopOptions): Promise<KillLoopResult> {
  const random = prng(options.seed);
  const bodies = { whole: chatRequest('S', false), stream: chatRequest('S', true) };
  let serve: Serve = await startServe(PROXY_CORE, options.upstream, options.port, options.dbPath);
  const rollouts = await Promise.all(Array.from({ length: options.clients }, () => createRollout(serve.base)));
  const acknowledged = new Map<string, number>(rollouts.map((r) => [r.rolloutId, 0]));
  let failedAttempts = 0;
  let running = true;
  const clients = rollouts.map(async ({ rolloutId, apiKey }, i) => {
    for (let call = i; running; call++) {
      const isStream = call % 2 === 1;
      const ok = await callOnce(serve.base, apiKey, isStream ? bodies.stream : bodies.whole, isStream).catch(() => false);
      if (ok) acknowledged.set(rolloutId, (acknowledged.get(rolloutId) ?? 0) + 1);
      else {
        failedAttempts += 1;
        await sleep(20);
      }
    }
  });
  const upMs: number[] = [];
  for (let kill = 0; kill < options.kills; kill++) {
    const up = options.minUpMs + random() * (options.maxUpMs - options.minUpMs);
    upMs.push(Math.round(up));
    await sleep(up);
    await stopChild(serve.child, 'SIGKILL');
    serve = await startServe(PROXY_CORE, options.upstream, options.port, options.dbPath);
  }
  running = false;
  await Promise.all(clients);
  await stopChild(serve.child, 'SIGTERM');
  const { completed, byStatus } = countRows(options.dbPath);
  let lost = 0;
  let acked = 0;
  let extra = 0;
  for (const [rolloutId, count] of acknowledged) {
    const rows = completed.get(rolloutId) ?? 0;
    acked += count;
    lost += Math.max(0, count - rows);
    extra += Math.max(0, rows - count);
  }
  const completedRows = [...completed.values()].reduce((sum, n) => sum + n, 0);
  return { kills: options.kills, clients: options.clients, upMs, acknowledged: acked, completedRows, committedNotAcknowledged: extra, lost, rowsByStatus: byStatus, failedAttempts };
}
