/**
 * The real CLI for the reliability bench: `node bin/rollcall.js serve` (compiled dist/) on a
 * fixed port and database, as users run it, plus the one client call the bench makes and counts.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { sleep, spawnPinned } from './processes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(ROOT, 'bin', 'rollcall.js');
export const ADMIN_TOKEN = 'bench-reliability-token-0123456789';

export type Serve = { child: ChildProcess; base: string; pid: number };

/** Starts `rollcall serve` and resolves once GET /health answers 200. */
export async function startServe(core: number | null, upstream: string, port: number, dbPath: string): Promise<Serve> {
  const env = { ...process.env, ROLLCALL_ADMIN_TOKEN: ADMIN_TOKEN, ROLLCALL_LOG_LEVEL: 'warn' };
  const child = spawnPinned(core, process.execPath, [CLI, 'serve', '--upstream', upstream, '--port', String(port), '--db', dbPath, '--mode', 'chat'], env);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rollcall serve exited with ${child.exitCode}: ${output}`);
    const ok = await request(`${base}/health`).then(
      async (response) => (await response.body.text(), response.statusCode === 200),
      () => false,
    );
    if (ok) return { child, base, pid: child.pid ?? 0 };
    if (performance.now() > deadline) throw new Error(`rollcall serve did not answer /health: ${output}`);
    await sleep(20);
  }
}

export async function createRollout(base: string, limits: Record<string, number> = {}): Promise<{ rolloutId: string; apiKey: string }> {
  const response = await request(`${base}/admin/rollouts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ limits: { maxCalls: 100_000_000, ttlMs: 86_400_000, ...limits }, tag: 'reliability' }),
  });
  if (response.statusCode !== 201) throw new Error(`creating a rollout failed: ${response.statusCode} ${await response.body.text()}`);
  return (await response.body.json()) as { rolloutId: string; apiKey: string };
}

export async function finishRollout(base: string, rolloutId: string): Promise<void> {
  const response = await request(`${base}/admin/rollouts/${rolloutId}/finish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: '{"reward": 1}',
  });
  await response.body.text();
}

/**
 * One chat call; true only when the whole answer arrived (a 200 JSON body that parses, or a
 * stream that ended with `data: [DONE]` and no error event): an acknowledged answer.
 */
export async function callOnce(base: string, apiKey: string, body: Buffer, isStream: boolean): Promise<boolean> {
  const response = await request(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) return false;
  if (!isStream) {
    const json = JSON.parse(text) as { choices?: unknown[] };
    return Array.isArray(json.choices) && json.choices.length > 0;
  }
  return text.endsWith('data: [DONE]\n\n') && !text.includes('"error":');
}
