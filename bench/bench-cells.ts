/**
 * The bench's measurement cells. Every cell measures direct-to-mock in the same run as the
 * proxies, repeats in rounds or trials with the targets in a fresh random order each time, and
 * warms every target up first. Traffic that reaches the capture-on proxy is tallied in a ledger
 * so the fidelity check can compare recorded rows with acknowledged answers.
 */
import type { ForeignLoadMonitor } from './foreign-load.ts';
import { LatencyProbe, type ProbeResult } from './latency-probe.ts';
import { runLoad, type LoadResult } from './load-generator.ts';
import { cpuSeconds } from './processes.ts';
import type { RequestBody } from './bench-setup.ts';
import { shuffled } from './stats.ts';

/** `floor`: the thinnest Node hop (bench/floor-proxy.ts), for reference. */
export type TargetName = 'direct' | 'capture-on' | 'capture-off' | 'floor';

/** A load target: the mock itself or a proxy with rollout keys for its clients; `pid` serves it. */
export type Target = { name: TargetName; url: string; keys: string[]; keysFile: string; pid: number };

/** Answers the capture-on proxy acknowledged, and how many more it may have recorded unseen. */
export type Ledger = {
  acknowledged: number;
  /** A timed load is cut off with requests in flight: each may be recorded yet never read. */
  cutoffSlack: number;
};

export type LatencyPlan = { warmup: number; rounds: number; perRound: number };
export type LoadPlan = { warmS: number; trialS: number; trials: number };
export type Progress = (line: string) => void;

/** What every cell gets: the fidelity ledger, a progress line, and the foreign-load monitor. */
export type CellContext = { ledger: Ledger; progress: Progress; monitor: ForeignLoadMonitor };

/**
 * One timed trial, with the CPU the serving process spent per answered request (little moved
 * by other load on the box, unlike req/s) and the CPU other processes used meanwhile (in cores).
 */
export type Trial = LoadResult & { cpuMsPerRequest: number; foreignCores: number };

/** Pooled c=1 samples of one target over all rounds. */
export type LatencySamples = { totals: number[]; firstBytes: number[]; bodyBytes: number; failures: number; foreignCores: number[] };

function tally(ledger: Ledger, name: TargetName, acknowledged: number, slack: number): void {
  if (name !== 'capture-on') return;
  ledger.acknowledged += acknowledged;
  ledger.cutoffSlack += slack;
}

/**
 * Sequential c=1 latency. `keyOf` gives the rollout key a target's probe uses (null for the
 * mock). Rounds interleave the targets so drift of the machine hits them all alike.
 */
export async function latencyCell(label: string, targets: readonly Target[], keyOf: (target: Target) => string | null, body: RequestBody, plan: LatencyPlan, ctx: CellContext): Promise<Map<TargetName, LatencySamples>> {
  const { ledger, progress, monitor } = ctx;
  const probes = new Map(targets.map((target) => [target.name, new LatencyProbe({ name: target.name, url: target.url, apiKey: keyOf(target) })]));
  const samples = new Map<TargetName, LatencySamples>(targets.map((target) => [target.name, { totals: [], firstBytes: [], bodyBytes: 0, failures: 0, foreignCores: [] }]));
  try {
    for (let round = 0; round < plan.rounds; round++) {
      for (const target of shuffled(targets)) {
        const probe = probes.get(target.name) as LatencyProbe;
        const warmup = round === 0 ? plan.warmup : Math.min(50, plan.warmup);
        progress(`${label}: ${target.name} round ${round + 1}/${plan.rounds} (${warmup} warm-up + ${plan.perRound})`);
        await monitor.waitQuiet();
        const result: ProbeResult = await monitor.window(`${label} ${target.name} round ${round + 1}`, () => probe.run(body.body, warmup, plan.perRound));
        const pooled = samples.get(target.name) as LatencySamples;
        pooled.foreignCores.push(monitor.lastForeignCores());
        pooled.totals.push(...result.totals);
        pooled.firstBytes.push(...result.firstBytes);
        pooled.bodyBytes = result.bodyBytes;
        pooled.failures += result.failures;
        tally(ledger, target.name, result.acknowledged, 0);
        if (result.failures > 0) progress(`${label}: ${target.name} had ${result.failures} failed requests: ${result.lastError}`);
      }
    }
  } finally {
    await Promise.all([...probes.values()].map((probe) => probe.close()));
  }
  return samples;
}

/** Timed closed-loop load at `concurrency`: one warm-up run per target, then trials in random order. */
export async function throughputCell(label: string, targets: readonly Target[], concurrency: number, body: RequestBody, plan: LoadPlan, ctx: CellContext): Promise<Map<TargetName, Trial[]>> {
  const { ledger, progress, monitor } = ctx;
  const results = new Map<TargetName, Trial[]>(targets.map((target) => [target.name, []]));
  const load = async (target: Target, durationS: number): Promise<LoadResult> => {
    const result = await runLoad({ url: target.url, concurrency, durationS, bodyFile: body.file, body: body.body, keys: target.keys, keysFile: target.keysFile });
    tally(ledger, target.name, result.acknowledged, concurrency);
    return result;
  };
  for (const target of targets) {
    progress(`${label}: warm-up ${target.name} (${plan.warmS} s at c=${concurrency})`);
    await load(target, plan.warmS);
  }
  for (let trial = 0; trial < plan.trials; trial++) {
    for (const target of shuffled(targets)) {
      progress(`${label}: ${target.name} trial ${trial + 1}/${plan.trials} (${plan.trialS} s at c=${concurrency})`);
      await monitor.waitQuiet();
      const cpuBefore = cpuSeconds(target.pid);
      const result = await monitor.window(`${label} ${target.name} trial ${trial + 1}`, () => load(target, plan.trialS));
      const cpuMsPerRequest = ((cpuSeconds(target.pid) - cpuBefore) * 1000) / Math.max(1, result.acknowledged);
      (results.get(target.name) as Trial[]).push({ ...result, cpuMsPerRequest, foreignCores: monitor.lastForeignCores() });
      if (result.errors > 0) progress(`${label}: ${target.name} trial ${trial + 1}: ${result.errors} errors`);
    }
  }
  return results;
}
