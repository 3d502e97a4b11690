/**
 * `npm run bench:proxy`: the proxy against a lean vLLM-shaped mock, direct-to-mock measured in
 * the same run as the baseline. Prints the tables and writes bench/RESULTS.md.
 * Flags: --quick (short cells, for trying the harness), --no-profile, --out FILE, --build
 * (run `npm run build` first, so the cold-start cell runs the current sources).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { latencyCell, throughputCell, type CellContext, type Target } from './bench-cells.ts';
import { checkProxyAnswers, coldStartRuns, fixedCountRun, profileRun, startProxy, type ProxyTarget } from './bench-phases.ts';
import { describeMachine, setMockProfile, writeRequestBodies } from './bench-setup.ts';
import { distState } from './cold-start.ts';
import { readRecorded } from './fidelity.ts';
import { ForeignLoadMonitor } from './foreign-load.ts';
import { hasWrk } from './load-generator.ts';
import { BODY_SIZES } from './mock-bodies.ts';
import { hasTaskset, LOAD_CORE, pinSelf, PROXY_CORE, readMemory, sleep, spawnReady, stopChild } from './processes.ts';
import type { Fidelity, MemoryRow } from './report-tables.ts';
import { resultsMarkdown, resultTables, type BenchResults } from './results-document.ts';
import { keepSections } from './results-sections.ts';
import { median } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MOCK = join(ROOT, 'bench', 'mock-engine.ts');
const FLOOR = join(ROOT, 'bench', 'floor-proxy.ts');
/** Gap between a stream's first frame and its tokens in the c=1 stream cell, so TTFB is the first frame's. */
const STREAM_FIRST_GAP_MS = 2;

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, 'bench', 'RESULTS.md') },
  },
});
const quick = flags.quick;
const plans = {
  latency: quick ? { warmup: 100, rounds: 3, perRound: 150 } : { warmup: 500, rounds: 3, perRound: 700 },
  streamLatency: quick ? { warmup: 100, rounds: 3, perRound: 150 } : { warmup: 500, rounds: 3, perRound: 700 },
  load: quick ? { warmS: 1, trialS: 2, trials: 2 } : { warmS: 2, trialS: 5, trials: 3 },
  coldStarts: quick ? 3 : 5,
};

const began = performance.now();
const progress = (line: string): void => void process.stderr.write(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

function checkTools(notes: string[]): void {
  if (!hasWrk) {
    const note = 'wrk is not installed (apt-get install -y wrk): timed loads used the Node undici generator, which is slower than wrk and shares core 1 with the mock';
    progress(note);
    notes.push(note);
  }
  if (!hasTaskset) notes.push('taskset is not installed: processes were not pinned to cores');
  pinSelf(LOAD_CORE);
  const dist = distState();
  if (!dist.isPresent || flags.build) {
    progress(`${dist.isPresent ? '--build' : 'dist/ is missing'}: running npm run build for the cold-start cell`);
    try {
      execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      // tsc still emits when the sources have type errors; the cell runs what it produced.
      notes.push('npm run build reported errors (it still emits JavaScript); the cold-start cell ran what it produced');
    }
  } else if (dist.isStale) {
    notes.push('dist/ was older than src/ or proxy/: the cold-start and idle-memory cell ran the last build (npm run build refreshes it); all other cells ran the current sources');
    progress(`note: ${notes.at(-1) ?? ''}`);
  }
}

async function main(dir: string): Promise<void> {
  const notes: string[] = [];
  checkTools(notes);
  const monitor = new ForeignLoadMonitor();
  const ctx: CellContext = { ledger: { acknowledged: 0, cutoffSlack: 0 }, progress, monitor };
  const bodies = writeRequestBodies(dir);
  const mock = await spawnReady(LOAD_CORE, ['--import', 'tsx', MOCK]);
  const onDb = join(dir, 'capture-on.db');
  const on = await startProxy('capture-on', mock.url, dir, onDb);
  const off = await startProxy('capture-off', mock.url, dir, null);
  await checkProxyAnswers(on, bodies);
  await checkProxyAnswers(off, bodies);
  const floorChild = await spawnReady(PROXY_CORE, ['--import', 'tsx', FLOOR, '--upstream', mock.url]);
  const direct: Target = { name: 'direct', url: mock.url, keys: [], keysFile: '', pid: mock.pid };
  const floor: Target = { name: 'floor', url: floorChild.url, keys: [], keysFile: '', pid: floorChild.pid };
  const targets = [direct, on, off, floor];
  // The mock and the floor take no key; each proxy's c=1 probes use a rollout of their own.
  const probeKey = (kind: 'S' | 'M' | 'stream') => (target: Target | ProxyTarget): string | null => ('probeKeys' in target ? target.probeKeys[kind] : null);
  await sleep(2000);
  const memory: MemoryRow[] = [on, off].map((p) => ({ process: `bench child, ${p.name}`, when: 'idle, 2 s after start', memory: readMemory(p.child.pid) }));

  const sizeS = await setMockProfile(mock.url, { size: 'S' });
  const latencyS = await latencyCell('(a) latency S', targets, probeKey('S'), bodies.unary.S, plans.latency, ctx);
  const sizeM = await setMockProfile(mock.url, { size: 'M' });
  const latencyM = await latencyCell('(a) latency M', targets, probeKey('M'), bodies.unary.M, plans.latency, ctx);
  await setMockProfile(mock.url, { size: 'S' });
  const c64 = await throughputCell('(b) c=64', targets, 64, bodies.unary.S, plans.load, ctx);
  const c512 = await throughputCell('(b) c=512', targets, 512, bodies.unary.S, plans.load, ctx);
  await setMockProfile(mock.url, { firstGapMs: STREAM_FIRST_GAP_MS });
  const streamLatency = await latencyCell('(c) stream c=1', targets, probeKey('stream'), bodies.stream, plans.streamLatency, ctx);
  await setMockProfile(mock.url, { firstGapMs: 0 });
  const streamThroughput = await throughputCell('(c) streams c=64', targets, 64, bodies.stream, plans.load, ctx);
  for (const p of [on, off]) memory.push({ process: `bench child, ${p.name}`, when: 'after all load', memory: readMemory(p.child.pid) });

  const exact = await fixedCountRun(on, dir, bodies, quick ? { unary: 500, streams: 100 } : { unary: 2000, streams: 500 }, ctx);
  await Promise.all([stopChild(on.child.child), stopChild(off.child.child), stopChild(floorChild.child)]);
  const recorded = readRecorded(onDb, exact.ids);
  const fidelity: Fidelity = {
    acknowledged: ctx.ledger.acknowledged,
    cutoffSlack: ctx.ledger.cutoffSlack,
    byStatus: recorded.byStatus,
    completed: recorded.completed,
    exact: {
      sent: exact.sent, acknowledged: exact.acknowledged, calls: recorded.subset.calls, trainable: recorded.subset.trainable,
      streams: recorded.subset.streams, expectedStreams: exact.streams,
      promptIds: recorded.subset.promptIds, expectedPromptIds: exact.sent * BODY_SIZES.S.promptTokens,
      completionIds: recorded.subset.completionIds, logprobs: recorded.subset.logprobs, expectedCompletionIds: exact.sent * BODY_SIZES.S.completionTokens,
    },
  };

  const profile = flags['no-profile'] ? null : await profileRun(mock.url, dir, bodies, quick ? 4 : 10, ctx);
  const coldStarts = await coldStartRuns(mock.url, dir, bodies.unary.S.body, plans.coldStarts, ctx);
  memory.push({ process: 'real CLI (dist/)', when: 'idle, median of cold starts', memory: { rssMiB: median(coldStarts.map((c) => c.idleRssMiB)), peakMiB: NaN } });
  await stopChild(mock.child);
  monitor.stop();

  const results: BenchResults = {
    startedAt: new Date(Date.now() - (performance.now() - began)).toISOString(),
    durationS: (performance.now() - began) / 1000,
    machine: describeMachine(),
    isPinned: hasTaskset,
    plans: { ...plans, streamFirstGapMs: STREAM_FIRST_GAP_MS },
    sizes: {
      response: { 'S unary': kib(sizeS.unaryBytes), 'S stream': kib(sizeS.streamBytes), 'M unary': kib(sizeM.unaryBytes) },
      request: { S: kib(bodies.unary.S.body.length), M: kib(bodies.unary.M.body.length) },
    },
    latency: { S: Object.fromEntries(latencyS), M: Object.fromEntries(latencyM) },
    throughput: { 64: Object.fromEntries(c64), 512: Object.fromEntries(c512) },
    streamLatency: Object.fromEntries(streamLatency),
    streamThroughput: Object.fromEntries(streamThroughput),
    memory,
    coldStarts,
    fidelity,
    profile,
    foreignLoad: { waitedS: monitor.waitedMs / 1000, windows: monitor.windows },
    notes,
  };
  writeFileSync(flags.out, keepSections(flags.out, resultsMarkdown(results)));
  process.stdout.write(`\n${resultTables(results)}\n\nWrote ${flags.out} (${results.durationS.toFixed(0)} s).\n`);
}

// The temporary folder holds the databases, keys and profile; it goes whatever happens.
const workDir = mkdtempSync(join(tmpdir(), 'rollcall-bench-'));
try {
  await main(workDir);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
