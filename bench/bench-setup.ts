/**
 * What a bench run is set up with: the machine it ran on, the client request bodies (written to
 * files for wrk), rollouts created through the admin API, and the mock's profile switch.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { BodySizeName } from './mock-bodies.ts';
import { BODY_SIZES } from './mock-bodies.ts';
import type { MockProfile } from './mock-engine.ts';
import { cpuModel, hasProgram, hasTaskset } from './processes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export type Machine = { cpu: string; cores: number; kernel: string; node: string; packages: Record<string, string>; wrk: string; taskset: boolean };

function packageVersion(name: string): string {
  try {
    const text = readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8');
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return 'missing';
  }
}

export function describeMachine(): Machine {
  let wrk = 'absent (Node undici generator used instead)';
  if (hasProgram('wrk')) {
    try {
      wrk = execFileSync('wrk', ['-v'], { encoding: 'utf8' }).split('\n')[0]?.trim() ?? 'wrk';
    } catch (error) {
      // `wrk -v` prints its banner and exits 1.
      wrk = String((error as { stdout?: string }).stdout ?? 'wrk').split('\n')[0]?.trim() ?? 'wrk';
    }
  }
  const packages = Object.fromEntries(['fastify', 'undici', 'better-sqlite3', 'pino', 'zod', 'tsx'].map((name) => [name, packageVersion(name)]));
  return { cpu: cpuModel(), cores: cpus().length, kernel: release(), node: process.version, packages, wrk, taskset: hasTaskset };
}

export type RequestBody = { file: string; body: Buffer };
export type RequestBodies = { unary: Record<BodySizeName, RequestBody>; stream: RequestBody };

/**
 * A client chat request whose text stands for the prompt the mock's ids describe (~4 characters
 * a token), so the proxy parses, validates and records a request of realistic size.
 */
export function chatRequest(size: BodySizeName, isStream: boolean): Buffer {
  const { promptTokens, completionTokens } = BODY_SIZES[size];
  const words = ['agent', 'tool', 'result', 'observe', 'plan', 'step', 'reward'];
  const parts: string[] = [];
  for (let length = 0, i = 0; length < promptTokens * 4; i++) {
    const word = words[i % words.length] as string;
    parts.push(word);
    length += word.length + 1;
  }
  const body = {
    model: 'mock-model',
    messages: [
      { role: 'system', content: 'You are an agent. Use the tools to solve the task.' },
      { role: 'user', content: parts.join(' ') },
    ],
    max_tokens: completionTokens,
    stream: isStream,
  };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

export function writeRequestBodies(dir: string): RequestBodies {
  const write = (name: string, body: Buffer): RequestBody => {
    const file = join(dir, name);
    writeFileSync(file, body);
    return { file, body };
  };
  return {
    unary: { S: write('request-s.json', chatRequest('S', false)), M: write('request-m.json', chatRequest('M', false)) },
    stream: write('request-s-stream.json', chatRequest('S', true)),
  };
}

export type Rollouts = { keys: string[]; ids: string[]; keysFile: string };

/** Creates `count` rollouts with limits high enough for a load run; keys go to `keysFile`. */
export async function createRollouts(proxyUrl: string, adminToken: string, count: number, keysFile: string): Promise<Rollouts> {
  const keys: string[] = [];
  const ids: string[] = [];
  const body = JSON.stringify({ limits: { maxCalls: 100_000_000, ttlMs: 86_400_000 }, tag: 'bench' });
  for (let done = 0; done < count; ) {
    const batch = Math.min(32, count - done);
    const created = await Promise.all(
      Array.from({ length: batch }, async () => {
        const response = await request(`${proxyUrl}/admin/rollouts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body,
        });
        if (response.statusCode !== 201) throw new Error(`creating a rollout failed: ${response.statusCode} ${await response.body.text()}`);
        return (await response.body.json()) as { rolloutId: string; apiKey: string };
      }),
    );
    for (const rollout of created) {
      keys.push(rollout.apiKey);
      ids.push(rollout.rolloutId);
    }
    done += batch;
  }
  writeFileSync(keysFile, `${keys.join('\n')}\n`);
  return { keys, ids, keysFile };
}

/** Switches the mock's body size and pacing; answers with the byte sizes it now serves. */
export async function setMockProfile(mockUrl: string, profile: Partial<MockProfile>): Promise<{ unaryBytes: number; streamBytes: number }> {
  const response = await request(`${mockUrl}/_mock/profile`, { method: 'POST', body: JSON.stringify(profile) });
  if (response.statusCode !== 200) throw new Error(`mock profile change failed: ${response.statusCode}`);
  return (await response.body.json()) as { unaryBytes: number; streamBytes: number };
}
