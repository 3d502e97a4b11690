/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per area
 * (rollcall's own code, fastify, undici, better-sqlite3, pino, zod, Node internals, GC, idle),
 * so a profile of the proxy under load says where its time goes without opening DevTools.
 * `node --import tsx bench/cpu-profile-summary.ts FILE.cpuprofile [TOP]`
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export type SelfTime = { name: string; where: string; area: string; ms: number; share: number };
export type ProfileSummary = { totalMs: number; functions: SelfTime[]; areas: { area: string; ms: number; share: number }[] };

const AREAS: readonly [RegExp, string][] = [
  [/node_modules\/fastify|node_modules\/@fastify|node_modules\/find-my-way|node_modules\/light-my-request|node_modules\/avvio/, 'fastify'],
  [/node_modules\/undici/, 'undici'],
  [/node_modules\/better-sqlite3/, 'better-sqlite3'],
  [/node_modules\/pino|node_modules\/fast-redact|node_modules\/sonic-boom/, 'pino'],
  [/node_modules\/zod/, 'zod'],
  [/\/proxy\//, 'rollcall proxy/'],
  [/\/src\//, 'rollcall src/'],
  [/node_modules\//, 'other packages'],
  [/^node:/, 'node internals'],
];

/** Native functions (no script URL) this process is known to call, by name. */
const NATIVE_AREAS: Record<string, string> = {
  run: 'better-sqlite3 (native)',
  get: 'better-sqlite3 (native)',
  all: 'better-sqlite3 (native)',
  prepare: 'better-sqlite3 (native)',
  writev: 'socket writes (native)',
  writeBuffer: 'socket writes (native)',
  writeUtf8String: 'socket writes (native)',
  Hash: 'crypto (native)',
  update: 'crypto (native)',
  digest: 'crypto (native)',
  '(garbage collector)': 'GC',
  '(idle)': 'idle',
  '(program)': 'program (native, outside JS)',
};

function areaOf(frame: CallFrame): string {
  if (frame.url === '') return NATIVE_AREAS[frame.functionName] ?? 'other native/builtin';
  return AREAS.find(([pattern]) => pattern.test(frame.url))?.[1] ?? 'other';
}

function shortWhere(frame: CallFrame): string {
  if (frame.url === '') return '';
  const path = frame.url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|proxy|src|bench)\//, '$1/');
  // tsx emits each module on few lines, so a line number of 1 says nothing: leave it out.
  return frame.lineNumber > 0 ? `${path}:${frame.lineNumber + 1}` : path;
}

export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, { frame: CallFrame; us: number }>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (node === undefined) return;
    totalUs += delta;
    const key = `${node.callFrame.functionName}|${node.callFrame.url}|${node.callFrame.lineNumber}`;
    const entry = selfUs.get(key) ?? { frame: node.callFrame, us: 0 };
    entry.us += delta;
    selfUs.set(key, entry);
  });
  const areas = new Map<string, number>();
  for (const { frame, us } of selfUs.values()) areas.set(areaOf(frame), (areas.get(areaOf(frame)) ?? 0) + us);
  const functions = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map(({ frame, us }) => ({ name: frame.functionName || '(anonymous)', where: shortWhere(frame), area: areaOf(frame), ms: us / 1000, share: us / totalUs }));
  return {
    totalMs: totalUs / 1000,
    functions,
    areas: [...areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: us / 1000, share: us / totalUs })),
  };
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

/** Markdown tables of a summary; with `calls` (requests served while sampling), a per-call column. */
export function profileMarkdown(summary: ProfileSummary, calls?: number): string {
  const perCall = (ms: number): string => (calls === undefined || calls === 0 ? '' : ` | ${((ms * 1000) / calls).toFixed(0)} µs`);
  const extra = calls === undefined ? ['', ''] : [' | Per call', '|---:'];
  const lines = [`Sampled ${(summary.totalMs / 1000).toFixed(1)} s of the proxy process${calls === undefined ? '' : ` while it answered ${calls} calls`}.`, ''];
  lines.push(`| Area | Self time | Share${extra[0]} |`, `|---|---:|---:${extra[1]}|`);
  for (const area of summary.areas) lines.push(`| ${area.area} | ${area.ms.toFixed(0)} ms | ${(area.share * 100).toFixed(1)}%${perCall(area.ms)} |`);
  lines.push('', `| Function | Where | Area | Self | Share${extra[0]} |`, `|---|---|---|---:|---:${extra[1]}|`);
  for (const fn of summary.functions) lines.push(`| \`${fn.name}\` | ${fn.where} | ${fn.area} | ${fn.ms.toFixed(0)} ms | ${(fn.share * 100).toFixed(1)}%${perCall(fn.ms)} |`);
  return lines.join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: cpu-profile-summary FILE.cpuprofile [TOP]');
  process.stdout.write(`${profileMarkdown(summarizeProfile(readProfile(file), Number(top ?? 25)))}\n`);
}
