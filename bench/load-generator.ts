/**
 * Closed-loop load at a fixed concurrency for a fixed time: wrk (one thread, a Lua script that
 * cycles over rollout keys) when it is installed, otherwise a Node generator on undici with one
 * connection per virtual client. Both report the same LoadResult. The Node generator also runs
 * fixed-count loads, used by the fidelity check, where every request must be acknowledged.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { hasProgram } from './processes.ts';
import { quantile } from './stats.ts';

export type LoadSpec = {
  url: string;
  concurrency: number;
  durationS: number;
  bodyFile: string;
  body: Buffer;
  /** Rollout keys, one per line in `keysFile`; empty for direct-to-mock. */
  keys: string[];
  keysFile: string;
};

export type LoadResult = {
  /** Requests answered with a 2xx (wrk: completed minus non-2xx). */
  acknowledged: number;
  errors: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
};

export const hasWrk = hasProgram('wrk');
const LUA = fileURLToPath(new URL('./wrk-post.lua', import.meta.url));

type WrkJson = { requests: number; durationUs: number; connect: number; read: number; write: number; status: number; timeout: number; p50Us: number; p99Us: number };

function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const args = ['-t1', `-c${spec.concurrency}`, `-d${spec.durationS}s`, '--timeout', '10s', '-s', LUA, `${spec.url}/v1/chat/completions`];
  const env = { ...process.env, BENCH_BODY_FILE: spec.bodyFile, BENCH_KEYS_FILE: spec.keys.length > 0 ? spec.keysFile : '' };
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { env, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((text) => text.startsWith('BENCH_JSON '));
      if (error !== null || line === undefined) return reject(new Error(`wrk failed: ${String(error)} ${stdout} ${stderr}`));
      const w = JSON.parse(line.slice('BENCH_JSON '.length)) as WrkJson;
      const durationS = w.durationUs / 1e6;
      const acknowledged = w.requests - w.status;
      resolve({ acknowledged, errors: w.status + w.connect + w.read + w.write + w.timeout, durationS, rps: acknowledged / durationS, p50Ms: w.p50Us / 1000, p99Ms: w.p99Us / 1000 });
    });
  });
}

/** Node fallback and fixed-count runner: `concurrency` loops, each on its own connection. */
export async function runNodeLoad(spec: Omit<LoadSpec, 'bodyFile' | 'keysFile'>, total?: number): Promise<LoadResult> {
  const pool = new Pool(spec.url, { connections: spec.concurrency, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const latencies: number[] = [];
  let acknowledged = 0;
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = started + spec.durationS * 1000;
  const worker = async (slot: number): Promise<void> => {
    for (let n = 0; total === undefined ? performance.now() < deadline : issued < total; n++) {
      issued += 1;
      const key = spec.keys.length === 0 ? 'direct' : (spec.keys[(slot + n * spec.concurrency) % spec.keys.length] as string);
      const t0 = performance.now();
      try {
        const response = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: spec.body });
        let bytes = 0;
        for await (const chunk of response.body) bytes += (chunk as Buffer).length;
        if (response.statusCode >= 200 && response.statusCode < 300 && bytes > 0) acknowledged += 1;
        else errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, (_, slot) => worker(slot)));
  const durationS = (performance.now() - started) / 1000;
  await pool.close();
  return { acknowledged, errors, durationS, rps: acknowledged / durationS, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

/** Timed closed-loop load with wrk, or the Node generator when wrk is absent. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return hasWrk ? runWrk(spec) : runNodeLoad(spec);
}
