/**
 * Cold start of the real CLI, as users run it: time from spawning `node bin/rollcall.js serve`
 * (compiled dist/, fresh database file) to the first 200 from GET /health, and on to the first
 * proxied chat answer (create a rollout, one call through to the mock). RSS is read at the first
 * 200 and again after 1.5 s of idling after that answer: the "idle memory" the target is about.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { freePort, PROXY_CORE, readMemory, sleep, spawnPinned, stopChild } from './processes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'rollcall.js');
const ADMIN_TOKEN = 'bench-cold-start-token-0123456789';

export type ColdStart = { healthMs: number; firstAnswerMs: number; readyRssMiB: number; idleRssMiB: number };

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Whether dist/ exists, and whether any source file is newer than the newest compiled file. */
export function distState(): { isPresent: boolean; isStale: boolean } {
  const dist = join(ROOT, 'dist', 'proxy', 'serve', 'serve-command.js');
  if (!existsSync(dist)) return { isPresent: false, isStale: false };
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'proxy')));
  return { isPresent: true, isStale: sources > newestMtime(join(ROOT, 'dist')) };
}

async function pollUntil200(url: string, init: Parameters<typeof request>[1], deadline: number): Promise<string> {
  for (;;) {
    try {
      const response = await request(url, init);
      const text = await response.body.text();
      if (response.statusCode >= 200 && response.statusCode < 300) return text;
    } catch {
      // Not listening yet: connection refused until the server is up.
    }
    if (performance.now() > deadline) throw new Error(`no 200 from ${url} in time`);
    await sleep(2);
  }
}

/** One cold start; `dbPath` should not exist yet so migrations run as on a first start. */
export async function measureColdStart(upstream: string, dbPath: string, chatBody: Buffer): Promise<ColdStart> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, ROLLCALL_ADMIN_TOKEN: ADMIN_TOKEN, ROLLCALL_LOG_LEVEL: 'warn' };
  const started = performance.now();
  const child = spawnPinned(PROXY_CORE, process.execPath, [CLI, 'serve', '--upstream', upstream, '--port', String(port), '--db', dbPath], env);
  try {
    await pollUntil200(`${base}/health`, { method: 'GET' }, started + 30_000);
    const healthMs = performance.now() - started;
    const readyRssMiB = child.pid === undefined ? NaN : readMemory(child.pid).rssMiB;
    const created = await request(`${base}/admin/rollouts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const { apiKey } = (await created.body.json()) as { apiKey: string };
    await pollUntil200(`${base}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: chatBody }, started + 30_000);
    const firstAnswerMs = performance.now() - started;
    await sleep(1500);
    const idleRssMiB = child.pid === undefined ? NaN : readMemory(child.pid).rssMiB;
    return { healthMs, firstAnswerMs, readyRssMiB, idleRssMiB };
  } finally {
    await stopChild(child);
  }
}
