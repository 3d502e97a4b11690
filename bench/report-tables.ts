/**
 * Turns the measurements of one bench run into markdown tables and target verdicts. Added
 * latency is proxy − direct at the same percentile; throughput is the median of the trials,
 * with its IQR, and its ratio to the direct median of the same cell.
 */
import type { LatencySamples, TargetName, Trial } from './bench-cells.ts';
import type { ColdStart } from './cold-start.ts';
import type { Memory } from './processes.ts';
import { fixed, iqr, median, ms, pct, summarize } from './stats.ts';

export type LatencyByTarget = Partial<Record<TargetName, LatencySamples>>;
export type LoadByTarget = Partial<Record<TargetName, Trial[]>>;

export type Fidelity = {
  acknowledged: number;
  cutoffSlack: number;
  byStatus: { status: string; calls: number; trainable: number }[];
  completed: number;
  exact: { sent: number; acknowledged: number; calls: number; trainable: number; streams: number; expectedStreams: number; promptIds: number; expectedPromptIds: number; completionIds: number; logprobs: number; expectedCompletionIds: number };
};

export type Verdict = { target: string; measured: string; isMet: boolean };

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
const header = (cells: readonly string[], align: readonly string[]): string[] => [row(cells), row(align)];

/** Added latency p50/p99 of a target against direct, in ms; NaN when a side is missing. */
export function addedLatency(samples: LatencyByTarget, name: TargetName, pick: 'totals' | 'firstBytes'): { p50: number; p99: number } {
  const direct = samples.direct;
  const target = samples[name];
  if (direct === undefined || target === undefined) return { p50: NaN, p99: NaN };
  const a = summarize(target[pick]);
  const b = summarize(direct[pick]);
  return { p50: a.p50 - b.p50, p99: a.p99 - b.p99 };
}

export function latencyTable(title: string, bySize: Record<string, LatencyByTarget>, pick: 'totals' | 'firstBytes'): string {
  const lines = [`**${title}**`, '', ...header(['Body', 'Target', 'n', 'p50', 'p99', 'Added p50', 'Added p99', 'Failures', 'Foreign CPU (max)'], ['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'])];
  for (const [size, samples] of Object.entries(bySize)) {
    for (const [name, target] of Object.entries(samples) as [TargetName, LatencySamples][]) {
      const s = summarize(target[pick]);
      const added = name === 'direct' ? { p50: NaN, p99: NaN } : addedLatency(samples, name, pick);
      const show = (v: number): string => (name === 'direct' ? '—' : ms(v));
      lines.push(row([size, name, String(s.count), ms(s.p50), ms(s.p99), show(added.p50), show(added.p99), String(target.failures), cores(target.foreignCores)]));
    }
  }
  return lines.join('\n');
}

/** The largest foreign load over a cell's rounds or trials, in cores. */
const cores = (values: readonly number[]): string => `${fixed(Math.max(...values), 2)}`;

export const medianRps = (results: readonly Trial[] | undefined): number => (results === undefined ? NaN : median(results.map((r) => r.rps)));

export function throughputTable(title: string, byConcurrency: Record<string, LoadByTarget>, unit: string): string {
  const lines = [`**${title}**`, '', ...header(['c', 'Target', `${unit} (median)`, 'IQR', 'Trials', 'vs direct', 'CPU ms per request', 'Latency p50 / p99 (median)', 'Errors', 'Foreign CPU (max)'], ['---:', '---', '---:', '---:', '---', '---:', '---:', '---:', '---:', '---:'])];
  for (const [concurrency, results] of Object.entries(byConcurrency)) {
    const direct = medianRps(results.direct);
    for (const [name, trials] of Object.entries(results) as [TargetName, Trial[]][]) {
      const rps = medianRps(trials);
      const latency = `${ms(median(trials.map((t) => t.p50Ms)))} / ${ms(median(trials.map((t) => t.p99Ms)))}`;
      const errors = trials.reduce((sum, t) => sum + t.errors, 0);
      lines.push(row([concurrency, name, fixed(rps), fixed(iqr(trials.map((t) => t.rps))), trials.map((t) => fixed(t.rps)).join(', '), pct(rps / direct), fixed(median(trials.map((t) => t.cpuMsPerRequest)), 3), latency, String(errors), cores(trials.map((t) => t.foreignCores))]));
    }
  }
  return lines.join('\n');
}

export function captureRatioTable(cells: Record<string, LoadByTarget>): string {
  const lines = [
    '**Capture on / capture off**',
    '',
    ...header(['Cell', 'Capture on (/s)', 'Capture off (/s)', 'Ratio of throughput', 'CPU ms/request on / off', 'Ratio from CPU per request (off / on)'], ['---', '---:', '---:', '---:', '---:', '---:']),
  ];
  const cpu = (trials: readonly Trial[] | undefined): number => (trials === undefined ? NaN : median(trials.map((t) => t.cpuMsPerRequest)));
  for (const [cell, results] of Object.entries(cells)) {
    const on = medianRps(results['capture-on']);
    const off = medianRps(results['capture-off']);
    const cpuOn = cpu(results['capture-on']);
    const cpuOff = cpu(results['capture-off']);
    lines.push(row([cell, fixed(on), fixed(off), fixed(on / off, 3), `${fixed(cpuOn, 3)} / ${fixed(cpuOff, 3)}`, fixed(cpuOff / cpuOn, 3)]));
  }
  return lines.join('\n');
}

export type MemoryRow = { process: string; when: string; memory: Memory };

export function memoryTable(rows: readonly MemoryRow[]): string {
  const lines = ['**Memory (RSS)**', '', ...header(['Process', 'When', 'RSS', 'Peak RSS (VmHWM)'], ['---', '---', '---:', '---:'])];
  const show = (mib: number): string => (Number.isFinite(mib) ? `${fixed(mib, 1)} MiB (${fixed((mib * 1048576) / 1e6, 1)} MB)` : '—');
  for (const r of rows) lines.push(row([r.process, r.when, show(r.memory.rssMiB), show(r.memory.peakMiB)]));
  return lines.join('\n');
}

export function coldStartTable(runs: readonly ColdStart[]): string {
  const lines = ['**Cold start of `node bin/rollcall.js serve` (fresh database)**', '', ...header(['', 'Median', 'Runs'], ['---', '---:', '---'])];
  const show = (values: number[]): [string, string] => [ms(median(values)), values.map((v) => fixed(v)).join(', ')];
  lines.push(row(['spawn → first 200 from /health', ...show(runs.map((r) => r.healthMs))]));
  lines.push(row(['spawn → first proxied chat answer', ...show(runs.map((r) => r.firstAnswerMs))]));
  lines.push(row(['RSS at the first 200 (MiB)', fixed(median(runs.map((r) => r.readyRssMiB)), 1), runs.map((r) => fixed(r.readyRssMiB, 1)).join(', ')]));
  lines.push(row(['idle RSS 1.5 s after the first answer (MiB)', fixed(median(runs.map((r) => r.idleRssMiB)), 1), runs.map((r) => fixed(r.idleRssMiB, 1)).join(', ')]));
  return lines.join('\n');
}

export function fidelityTable(f: Fidelity): string {
  const e = f.exact;
  const statuses = f.byStatus.map((s) => `${s.status} ${s.calls} (trainable ${s.trainable})`).join('; ');
  return [
    '**Fidelity (capture-on database read back after the proxy exited)**',
    '',
    ...header(['Check', 'Expected', 'Recorded', 'OK'], ['---', '---:', '---:', '---']),
    row(['fixed-count run: calls (unary + streams)', String(e.sent), String(e.calls), String(e.calls === e.sent && e.acknowledged === e.sent)]),
    row(['fixed-count run: completed and trainable', String(e.sent), String(e.trainable), String(e.trainable === e.sent)]),
    row(['fixed-count run: streamed calls', String(e.expectedStreams), String(e.streams), String(e.streams === e.expectedStreams)]),
    row(['fixed-count run: prompt ids', String(e.expectedPromptIds), String(e.promptIds), String(e.promptIds === e.expectedPromptIds)]),
    row(['fixed-count run: completion ids / logprobs', String(e.expectedCompletionIds), `${e.completionIds} / ${e.logprobs}`, String(e.completionIds === e.expectedCompletionIds && e.logprobs === e.expectedCompletionIds)]),
    row(['whole run: completed rows vs answers acknowledged', `${f.acknowledged} (+ ≤ ${f.cutoffSlack} cut off in flight)`, String(f.completed), String(f.completed >= f.acknowledged && f.completed - f.acknowledged <= f.cutoffSlack)]),
    '',
    `Rows by status over the whole run: ${statuses}.`,
  ].join('\n');
}

export function verdictTable(verdicts: readonly Verdict[]): string {
  const lines = [...header(['Target', 'Measured', 'Verdict'], ['---', '---', '---'])];
  for (const v of verdicts) lines.push(row([v.target, v.measured, v.isMet ? '**MET**' : '**NOT MET**']));
  return lines.join('\n');
}
