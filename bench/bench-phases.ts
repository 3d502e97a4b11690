/**
 * The phases of a bench run around the measurement cells: starting a proxy child with its
 * rollouts, the fixed-count fidelity run, the profiled run, and the cold starts of the real CLI.
 */
import { mkdirSync } from 'node:fs';
import { request } from 'undici';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellContext, Target, TargetName } from './bench-cells.ts';
import { createRollouts, type RequestBodies } from './bench-setup.ts';
import { measureColdStart, type ColdStart } from './cold-start.ts';
import { readProfile, summarizeProfile, type ProfileSummary } from './cpu-profile-summary.ts';
import { runLoad, runNodeLoad } from './load-generator.ts';
import { PROXY_CORE, sleep, spawnReady, stopChild, type ReadyChild } from './processes.ts';

const CHILD = fileURLToPath(new URL('./proxy-child.ts', import.meta.url));
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
/** Rollouts per proxy for the load cells: one per concurrent client at c=512. */
export const LOAD_ROLLOUTS = 512;

export type ProxyTarget = Target & { child: ReadyChild; probeKeys: { S: string; M: string; stream: string } };

/** Starts a proxy child on the proxy core (capture on when `dbPath` is given) and creates its rollouts. */
export async function startProxy(name: TargetName, mockUrl: string, dir: string, dbPath: string | null, extraArgs: string[] = []): Promise<ProxyTarget> {
  const args = ['--import', 'tsx', CHILD, '--upstream', mockUrl, '--capture', dbPath === null ? 'off' : 'on', '--admin-token', ADMIN_TOKEN, ...extraArgs];
  const child = await spawnReady(PROXY_CORE, dbPath === null ? args : [...args, '--db', dbPath]);
  const load = await createRollouts(child.url, ADMIN_TOKEN, LOAD_ROLLOUTS, join(dir, `keys-${name}-${child.pid}.txt`));
  const probes = await createRollouts(child.url, ADMIN_TOKEN, 3, join(dir, `probe-keys-${name}-${child.pid}.txt`));
  const [S, M, stream] = probes.keys as [string, string, string];
  return { name, url: child.url, keys: load.keys, keysFile: load.keysFile, pid: child.pid, child, probeKeys: { S, M, stream } };
}

/**
 * One unary and one streamed call through a proxy before any cell: a proxy that answers errors
 * (a half-finished change, a config it refuses) stops the bench with the proxy's own message
 * instead of producing a table of zeros.
 */
export async function checkProxyAnswers(target: ProxyTarget, bodies: RequestBodies): Promise<void> {
  for (const body of [bodies.unary.S.body, bodies.stream.body]) {
    const response = await request(`${target.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.probeKeys.S}`, 'content-type': 'application/json' },
      body,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200 || text.length < 30_000) {
      throw new Error(`the ${target.name} proxy does not answer a chat call correctly (${response.statusCode}, ${text.length} bytes): ${text.slice(0, 400)}`);
    }
  }
}

export type FixedCount = { ids: string[]; sent: number; acknowledged: number; streams: number };

/** Every request awaited, on fresh rollouts: the database must hold exactly these calls. */
export async function fixedCountRun(on: ProxyTarget, dir: string, bodies: RequestBodies, counts: { unary: number; streams: number }, ctx: CellContext): Promise<FixedCount> {
  const fresh = await createRollouts(on.url, ADMIN_TOKEN, 64, join(dir, 'keys-fidelity.txt'));
  ctx.progress(`fidelity: ${counts.unary} unary + ${counts.streams} streamed calls at c=64 on fresh rollouts`);
  const spec = { url: on.url, concurrency: 64, durationS: 0, keys: fresh.keys };
  const a = await runNodeLoad({ ...spec, body: bodies.unary.S.body }, counts.unary);
  const b = await runNodeLoad({ ...spec, body: bodies.stream.body }, counts.streams);
  ctx.ledger.acknowledged += a.acknowledged + b.acknowledged;
  return { ids: fresh.ids, sent: counts.unary + counts.streams, acknowledged: a.acknowledged + b.acknowledged, streams: counts.streams };
}

/**
 * A separate capture-on child under wrk c=64 with S bodies, profiled after its warm-up only
 * (SIGUSR2 starts the V8 profiler, SIGTERM writes the profile).
 */
export type ProfiledRun = { summary: ProfileSummary; calls: number; rps: number };

export async function profileRun(mockUrl: string, dir: string, bodies: RequestBodies, seconds: number, ctx: CellContext): Promise<ProfiledRun> {
  const profileDir = join(dir, 'profile');
  mkdirSync(profileDir, { recursive: true });
  const file = join(profileDir, 'capture-on-c64.cpuprofile');
  const target = await startProxy('capture-on', mockUrl, dir, join(profileDir, 'profiled.db'), ['--profile-out', file]);
  const spec = { url: target.url, concurrency: 64, bodyFile: bodies.unary.S.file, body: bodies.unary.S.body, keys: target.keys, keysFile: target.keysFile };
  ctx.progress(`profile: capture-on child, wrk c=64 S, 2 s warm-up, then ${seconds} s profiled`);
  await runLoad({ ...spec, durationS: 2 });
  await ctx.monitor.waitQuiet();
  target.child.child.kill('SIGUSR2');
  await sleep(100);
  const load = await ctx.monitor.window('profile c=64 capture-on', () => runLoad({ ...spec, durationS: seconds }));
  await stopChild(target.child.child);
  return { summary: summarizeProfile(readProfile(file), 25), calls: load.acknowledged, rps: load.rps };
}

/** `runs` cold starts of the real CLI, each after a quiet moment, on fresh database files. */
export async function coldStartRuns(mockUrl: string, dir: string, chatBody: Buffer, runs: number, ctx: CellContext): Promise<ColdStart[]> {
  const out: ColdStart[] = [];
  ctx.monitor.extendWaitBudget(30_000);
  for (let i = 0; i < runs; i++) {
    ctx.progress(`(f) cold start ${i + 1}/${runs}`);
    await ctx.monitor.waitQuiet();
    out.push(await ctx.monitor.window(`cold start ${i + 1}`, () => measureColdStart(mockUrl, join(dir, `cold-${i}.db`), chatBody)));
  }
  return out;
}
