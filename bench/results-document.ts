/**
 * The results of one bench run as a document: machine, method, every table, and each target of
 * the issue stated plainly as MET or NOT MET. The same tables are printed to the terminal.
 */
import type { LoadPlan, LatencyPlan } from './bench-cells.ts';
import type { Machine } from './bench-setup.ts';
import type { ColdStart } from './cold-start.ts';
import type { ProfiledRun } from './bench-phases.ts';
import { profileMarkdown } from './cpu-profile-summary.ts';
import type { LoadWindow } from './foreign-load.ts';
import {
  addedLatency, captureRatioTable, coldStartTable, fidelityTable, latencyTable, medianRps, memoryTable, throughputTable, verdictTable,
  type Fidelity, type LatencyByTarget, type LoadByTarget, type MemoryRow, type Verdict,
} from './report-tables.ts';
import { fixed, median, ms, pct } from './stats.ts';

export type BenchResults = {
  startedAt: string;
  durationS: number;
  machine: Machine;
  isPinned: boolean;
  plans: { latency: LatencyPlan; streamLatency: LatencyPlan; load: LoadPlan; coldStarts: number; streamFirstGapMs: number };
  sizes: { response: Record<string, string>; request: Record<string, string> };
  latency: Record<string, LatencyByTarget>;
  throughput: Record<string, LoadByTarget>;
  streamLatency: LatencyByTarget;
  streamThroughput: LoadByTarget;
  memory: MemoryRow[];
  coldStarts: ColdStart[];
  fidelity: Fidelity;
  profile: ProfiledRun | null;
  /** CPU used by processes outside the bench while it measured, and time spent waiting for quiet. */
  foreignLoad: { waitedS: number; windows: LoadWindow[] };
  notes: string[];
};

const sign = (value: number): string => (value >= 0 ? `+${ms(value)}` : `−${ms(-value)}`);

export function verdicts(r: BenchResults): { issue: Verdict[]; other: Verdict[] } {
  const small = addedLatency(r.latency.S ?? {}, 'capture-on', 'totals');
  const ratio = (c: string): number => medianRps(r.throughput[c]?.['capture-on']) / medianRps(r.throughput[c]?.direct);
  const onOff = (c: string): number => medianRps(r.throughput[c]?.['capture-on']) / medianRps(r.throughput[c]?.['capture-off']);
  const idleMb = (median(r.coldStarts.map((c) => c.idleRssMiB)) * 1048576) / 1e6;
  const issue: Verdict[] = [
    { target: 'Added latency p50 ≤ 0.3 ms (S body, c=1, capture on)', measured: sign(small.p50), isMet: small.p50 <= 0.3 },
    { target: 'Added latency p99 ≤ 1 ms (S body, c=1, capture on)', measured: sign(small.p99), isMet: small.p99 <= 1 },
    { target: 'Throughput ≥ 60% of direct at c=64 (S, capture on)', measured: pct(ratio('64')), isMet: ratio('64') >= 0.6 },
    { target: 'Throughput ≥ 60% of direct at c=512 (S, capture on)', measured: pct(ratio('512')), isMet: ratio('512') >= 0.6 },
    { target: 'Capture on ≥ 0.9 × capture off at c=64', measured: fixed(onOff('64'), 3), isMet: onOff('64') >= 0.9 },
    { target: 'Capture on ≥ 0.9 × capture off at c=512', measured: fixed(onOff('512'), 3), isMet: onOff('512') >= 0.9 },
    { target: 'Idle memory ≤ 80 MB (real CLI, RSS)', measured: `${fixed(idleMb, 1)} MB`, isMet: idleMb <= 80 },
  ];
  const medium = addedLatency(r.latency.M ?? {}, 'capture-on', 'totals');
  const ttfb = addedLatency(r.streamLatency, 'capture-on', 'firstBytes');
  const streams = medianRps(r.streamThroughput['capture-on']) / medianRps(r.streamThroughput.direct);
  const cold = median(r.coldStarts.map((c) => c.healthMs));
  const other: Verdict[] = [
    { target: 'Added latency p50 ≤ 1 ms (M body, c=1, capture on)', measured: sign(medium.p50), isMet: medium.p50 <= 1 },
    { target: 'Added TTFT p99 ≤ 1 ms (S stream, c=1, capture on)', measured: sign(ttfb.p99), isMet: ttfb.p99 <= 1 },
    { target: 'Streams/s ≥ 60% of direct at c=64 (S, capture on)', measured: pct(streams), isMet: streams >= 0.6 },
    { target: 'Cold start ≤ 1 s to first 200', measured: ms(cold), isMet: cold <= 1000 },
  ];
  return { issue, other };
}

/** How much other processes on the box competed with the bench while it measured. */
export function foreignLoadSummary(r: BenchResults): string {
  const { windows, waitedS } = r.foreignLoad;
  const loads = windows.map((w) => w.foreignCores);
  const busy = windows.filter((w) => w.foreignCores > 0.15);
  const worst = [...windows].sort((a, b) => b.foreignCores - a.foreignCores).slice(0, 5);
  return [
    '**CPU used by other processes on the box while measuring**',
    '',
    `${windows.length} measured windows; foreign load median ${fixed(median(loads), 2)} cores, max ${fixed(Math.max(...loads), 2)} cores;`,
    `${busy.length} windows above 0.15 cores; ${fixed(waitedS)} s spent waiting for a quiet box before windows.`,
    busy.length === 0 ? 'No window was disturbed noticeably.' : `Most disturbed: ${worst.map((w) => `${w.label} (${fixed(w.foreignCores, 2)})`).join('; ')}.`,
  ].join('\n');
}

/** What the thinnest Node hop reaches on this rig, to read the throughput verdicts against. */
function floorContext(r: BenchResults): string {
  const share = (c: string): string => pct(medianRps(r.throughput[c]?.floor) / medianRps(r.throughput[c]?.direct));
  const streams = pct(medianRps(r.streamThroughput.floor) / medianRps(r.streamThroughput.direct));
  return `For scale: the floor (node:http + undici, bytes piped, nothing parsed or recorded) reached ${share('64')} of direct at c=64, ${share('512')} at c=512 and ${streams} of direct streams/s.`;
}

/** The tables both outputs share. */
export function resultTables(r: BenchResults): string {
  const v = verdicts(r);
  return [
    latencyTable('(a) Latency at c=1, non-streaming (added = proxy − direct, same percentile)', r.latency, 'totals'),
    throughputTable('(b) Throughput, S bodies, non-streaming', r.throughput, 'req/s'),
    latencyTable('(c) Streaming at c=1, S: time to first byte', { S: r.streamLatency }, 'firstBytes'),
    latencyTable('(c) Streaming at c=1, S: whole stream', { S: r.streamLatency }, 'totals'),
    throughputTable('(c) Streams per second, S, unpaced', { 64: r.streamThroughput }, 'streams/s'),
    captureRatioTable({ 'c=64 unary S': r.throughput['64'] ?? {}, 'c=512 unary S': r.throughput['512'] ?? {}, 'c=64 streams S': r.streamThroughput }),
    memoryTable(r.memory),
    coldStartTable(r.coldStarts),
    fidelityTable(r.fidelity),
    foreignLoadSummary(r),
    '**Targets of the issue**',
    verdictTable(v.issue),
    floorContext(r),
    '**Other goals (informative)**',
    verdictTable(v.other),
  ].join('\n\n');
}

function profileSection(p: ProfiledRun): string {
  return `V8 CPU profile (the sampler behind \`node --cpu-prof\`, started through node:inspector after a 2 s warm-up,
200 µs interval) of a separate capture-on proxy child under wrk c=64 with S bodies, non-streaming; it served
${fixed(p.rps)} req/s while profiled (sampling slows it somewhat). Self time: a native function (SQLite's \`run\`,
JSON.parse inlined into its caller) counts for the JavaScript function that called it.

${profileMarkdown(p.summary, p.calls)}`;
}

export function resultsMarkdown(r: BenchResults): string {
  const m = r.machine;
  const packages = Object.entries(m.packages).map(([name, version]) => `${name} ${version}`).join(', ');
  const { latency: lp, streamLatency: sp, load } = r.plans;
  return `# Proxy bench results

Produced by \`npm run bench:proxy\` on ${r.startedAt}; the run took ${fixed(r.durationS)} s. Every number below
was measured in that one run; rerun the bench to refresh this file.

## Machine

- CPU: ${m.cpu}, ${m.cores} cores visible; kernel ${m.kernel}
- Node ${m.node}; ${packages}
- Load generator: ${m.wrk}; core pinning: ${r.isPinned ? 'taskset (proxy on core 0; mock, generator and bench driver on core 1)' : 'none (taskset absent)'}

## Method

- **Mock engine** (\`bench/mock-engine.ts\`): node:http, vLLM-shaped answers pre-serialized at start; it only looks for
  \`"stream":true\` in the request. Response sizes: ${Object.entries(r.sizes.response).map(([k, v]) => `${k} ${v}`).join(', ')}.
  Client request sizes (a chat request whose text stands for the prompt): ${Object.entries(r.sizes.request).map(([k, v]) => `${k} ${v}`).join(', ')}.
  Instant mode: no delay; a stream's first frame (role + prompt ids) is written alone, the 256 token frames, the finish
  frame, the usage frame and \`[DONE]\` follow on the next event-loop turn.
- **Targets**: *direct* = the mock itself; *capture on* = \`buildApp\` from the current sources in its own process
  (\`bench/proxy-child.ts\`) with the real store on a SQLite file (WAL, synchronous=NORMAL), one row per call;
  *capture off* = the same app and routes with \`calls.insert\`/\`calls.markAborted\` replaced by no-ops, so the only
  difference is the SQLite write (request/response parsing and the capture extraction still run in both).
  *floor* = \`bench/floor-proxy.ts\`, node:http + one undici Pool piping bytes through, nothing parsed or recorded:
  the thinnest Node hop, for reference. The proxy children run under tsx (sources, not dist/), pinned to core 0, in chat mode (the pass-through path; the
  mock has no \`/tokenize\`, and the child sets \`engine.mode: chat\` where the config has that key).
- **Rollouts**: 512 rollouts per proxy for the load cells (wrk cycles over their keys), one more per c=1 probe.
- **(a)** c=1, one keep-alive connection, sequential requests timed with performance.now() to the last body byte:
  ${lp.warmup} warm-up then ${lp.rounds} rounds × ${lp.perRound} measured per target, targets in random order per round,
  samples pooled (${lp.rounds * lp.perRound} per target).
- **(b)** closed-loop load at c=64 and c=512 with wrk (-t1, Lua script), ${load.warmS} s warm-up per target, then
  ${load.trials} trials × ${load.trialS} s per target in random order; median req/s with IQR. *CPU ms per request* is
  the CPU time (/proc/<pid>/stat) the serving process (proxy child, or the mock for direct) spent per answered request
  during a trial: it is little moved by other load on the box, unlike req/s.
- **(c)** streams, S, unpaced: time to first body byte and whole-stream time at c=1 (${sp.warmup} warm-up, ${sp.rounds} × ${sp.perRound}),
  with the mock waiting ${r.plans.streamFirstGapMs} ms after the first frame (one short decode step) so the first byte is the first frame's;
  streams/s at c=64 as in (b), the tokens following the first frame on the next event-loop turn.
- **(e)** RSS from /proc/<pid>/status of each proxy child 2 s after start (rollouts created), and after all load.
- **(f)** the real CLI (\`node bin/rollcall.js serve\`, compiled dist/) spawned ${r.plans.coldStarts} times with a fresh database:
  time to the first 200 from \`/health\` (polled every 2 ms), then to the first proxied answer; its RSS 1.5 s later is
  the idle memory the target refers to.
- **Shared box**: a monitor (\`bench/foreign-load.ts\`) sums the CPU time of every process outside the bench's own
  process tree every 250 ms; each round, trial and cold start first waits (up to 15 s, 120 s per run) for a second
  in which others used under 0.15 cores, and the load others put on the box during it is reported (Foreign CPU).
- **Fidelity**: after the load, a fixed-count run (Node generator, c=64, every request awaited) on fresh rollouts; the
  capture-on proxy is stopped with SIGTERM and its database read back with better-sqlite3.
${r.notes.map((note) => `- Note: ${note}`).join('\n')}

## Results

${resultTables(r)}

## Where the proxy's time goes

${r.profile === null ? 'Not profiled in this run (--no-profile).' : profileSection(r.profile)}
`;
}
