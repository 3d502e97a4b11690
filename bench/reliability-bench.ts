/**
 * The reliability bench (issue 12): repeated SIGKILL of the real CLI under 32 clients (answers
 * acknowledged to a client and then lost must stay 0), RSS over a soak of 1,000 rollouts in five
 * minutes (must stay flat), and the bytes each recorded call costs on disk. Prints the figures and
 * writes them as the "reliability" section of bench/RESULTS.md (results-sections.ts).
 *
 * `npm run bench:reliability` (about 7 minutes), `-- --quick` (about 1.5 minutes, to try it),
 * `-- --kills N --soak-seconds S --soak-rollouts R --out FILE`. Needs dist/ (`npm run build`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { distState } from './cold-start.ts';
import { runKillLoop, type KillLoopResult } from './kill-loop.ts';
import { freePort, LOAD_CORE, spawnReady, stopChild } from './processes.ts';
import { replaceSection } from './results-sections.ts';
import { runSoak, type SoakResult } from './soak.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const load = () => loadavg().map((n) => n.toFixed(1)).join(' / ');

function killTable(result: KillLoopResult): string {
  const statuses = Object.entries(result.rowsByStatus).map(([status, n]) => `${n} ${status}`).join(', ');
  return [
    '| SIGKILLs | clients | answers acknowledged | completed rows | committed, not acknowledged | **acknowledged and lost** |',
    '|---|---|---|---|---|---|',
    `| ${result.kills} | ${result.clients} | ${result.acknowledged} | ${result.completedRows} | ${result.committedNotAcknowledged} | **${result.lost}** |`,
    '',
    `Up-time before each kill (ms): ${result.upMs.join(', ')}. All rows: ${statuses}. Attempts that failed while the proxy was down or being killed (retried, never acknowledged): ${result.failedAttempts}.`,
  ].join('\n');
}

function soakTable(result: SoakResult): string {
  const every30 = result.samples.filter((s, i) => i === 0 || i === result.samples.length - 1 || Math.floor(s.atS / 30) !== Math.floor((result.samples[i - 1]?.atS ?? 0) / 30));
  const statuses = Object.entries(result.rowsPerStatus).map(([status, n]) => `${n} ${status}`).join(', ');
  return [
    '| run | rollouts | calls (failed) | RSS after warm-up | RSS at the end | peak RSS | **RSS slope after warm-up** | **over the second half** |',
    '|---|---|---|---|---|---|---|---|',
    `| ${result.seconds.toFixed(0)} s | ${result.rollouts} | ${result.calls} (${result.failedCalls}) | ${result.warmRssMiB.toFixed(1)} MiB | ${result.endRssMiB.toFixed(1)} MiB | ${result.peakRssMiB.toFixed(1)} MiB | **${result.slopeMiBPerMin.toFixed(2)} MiB/min** | **${result.lateSlopeMiBPerMin.toFixed(2)} MiB/min** |`,
    '',
    `RSS over the run (s → MiB): ${every30.map((s) => `${s.atS.toFixed(0)} → ${s.rssMiB.toFixed(1)}`).join(', ')}.`,
    '',
    '| bytes per recorded call | of which the row\'s own data | request body sent by the client | rows |',
    '|---|---|---|---|',
    `| **${Math.round(result.bytesPerCall)} B** (database file ${(result.dbBytes / 1048576).toFixed(1)} MiB) | ${Math.round(result.payloadBytesPerCall)} B | ${Math.round(result.requestBytes)} B | ${statuses} |`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      kills: { type: 'string' },
      'soak-seconds': { type: 'string' },
      'soak-rollouts': { type: 'string' },
      out: { type: 'string', default: join(ROOT, 'bench', 'RESULTS.md') },
    },
  });
  const dist = distState();
  if (!dist.isPresent) throw new Error('dist/ is missing: run npm run build first (the bench runs the real CLI)');
  const kills = Number(flags.kills ?? (flags.quick ? 3 : 9));
  const soakSeconds = Number(flags['soak-seconds'] ?? (flags.quick ? 60 : 300));
  const soakRollouts = Number(flags['soak-rollouts'] ?? (flags.quick ? 200 : 1000));
  const work = mkdtempSync(join(tmpdir(), 'rollcall-reliability-'));
  const loadBefore = load();
  const startedAt = new Date().toISOString();
  const mock = await spawnReady(LOAD_CORE, ['--import', 'tsx', join(ROOT, 'bench', 'mock-engine.ts'), '--size', 'S', '--pace-ms', '1']);
  try {
    process.stdout.write(`kill loop: ${kills} SIGKILLs under 32 clients …\n`);
    const killed = await runKillLoop({ upstream: mock.url, port: await freePort(), dbPath: join(work, 'kill.db'), kills, clients: 32, minUpMs: 1500, maxUpMs: 4000, seed: 12 });
    process.stdout.write(`${killTable(killed)}\n\nsoak: ${soakRollouts} rollouts over ${soakSeconds} s …\n`);
    const soaked = await runSoak({ upstream: mock.url, port: await freePort(), dbPath: join(work, 'soak.db'), seconds: soakSeconds, rollouts: soakRollouts, callsPerRollout: 4, workers: 16, warmupS: Math.min(60, soakSeconds / 5) });
    process.stdout.write(`${soakTable(soaked)}\n`);
    const markdown = [
      '## Reliability (`npm run bench:reliability`)',
      '',
      `Measured on ${startedAt} on this machine (${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores), which is **shared with other work and was loaded**: load average ${loadBefore} (1/5/15 min) before the run, ${load()} after. The figures that matter here (answers lost, RSS growth, bytes per call) do not depend on speed; call counts and timings do.`,
      '',
      `The real CLI (\`node bin/rollcall.js serve\`, chat mode, file database) in front of the bench's mock engine (S answers: 2,048 prompt ids, 256 completion tokens; streams paced 1 ms a token). ${dist.isStale ? '**dist/ was older than the sources.**' : 'dist/ was current.'}`,
      '',
      '### Repeated SIGKILL',
      '',
      killTable(killed),
      '',
      '### Soak and bytes per call',
      '',
      `${soakRollouts.toLocaleString('en')} rollouts spread over ${soakSeconds} s, 16 at a time, each: create, 4 calls (2 whole, 2 streamed), finish. RSS sampled every 2 s; the slope is a least-squares fit over the samples after the first ${Math.min(60, soakSeconds / 5)} s. Bytes per call: the database file after a clean stop, over the calls it holds.`,
      '',
      soakTable(soaked),
    ].join('\n');
    writeFileSync(flags.out, replaceSection(existsSync(flags.out) ? readFileSync(flags.out, 'utf8') : '', 'reliability', markdown));
    process.stdout.write(`\nWrote the reliability section of ${flags.out}.\n`);
  } finally {
    await stopChild(mock.child);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
