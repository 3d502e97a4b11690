import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { startProxy, type Harness } from '../../support/proxy-harness.ts';
import { CLI, spawnServe, stopServe } from '../../support/serve-process.ts';

let engine: FakeEngine;
let proxy: Harness;
before(async () => {
  engine = await startFakeEngine();
  proxy = await startProxy([engine.url]);
});
after(async () => {
  await proxy.close();
  await engine.close();
});

const freshDir = () => mkdtempSync(join(tmpdir(), 'rollcall-keys-'));

describe('the path-form key', () => {
  for (const placeholder of ['EMPTY', 'sk-proj-0123456789abcdef']) {
    test(`wins over the placeholder Bearer "${placeholder}" an SDK sends, and no client credential reaches the engine`, async () => {
      const { rolloutId, apiKey } = await proxy.createRollout();
      const openai = new OpenAI({ baseURL: `${proxy.url}/r/${apiKey}/v1`, apiKey: placeholder, maxRetries: 0 });
      const seen = engine.requests.length;
      const answer = await openai.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(answer.choices.length, 1);
      assert.equal(proxy.store.calls.listForRollout(rolloutId).length, 1);
      const sent = engine.requests.slice(seen);
      assert.ok(sent.length > 0);
      for (const request of sent) {
        assert.equal(request.headers.authorization, undefined, 'the engine gets no Authorization header of the client');
        assert.ok(!JSON.stringify(request.headers).includes(placeholder) && !JSON.stringify(request.headers).includes(apiKey));
      }
    });
  }
});

/** Runs `rollcall serve` that is expected to refuse to start; its exit code and what it printed. */
function refusedServe(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--upstream', engine.url, '--db', ':memory:', ...args], { env: { ...process.env, ROLLCALL_LOG_LEVEL: 'warn', ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('the admin token', () => {
  const cases: { name: string; args?: (dir: string) => string[]; env?: Record<string, string>; file?: string; says: RegExp }[] = [
    { name: 'a short ROLLCALL_ADMIN_TOKEN', env: { ROLLCALL_ADMIN_TOKEN: 'hunter2' }, says: /admin token from ROLLCALL_ADMIN_TOKEN or the configuration is 7 characters long; use at least 16/ },
    { name: 'a ROLLCALL_ADMIN_TOKEN of spaces', env: { ROLLCALL_ADMIN_TOKEN: ' '.repeat(24) }, says: /contains whitespace/ },
    { name: 'a token with a space inside', env: { ROLLCALL_ADMIN_TOKEN: 'abcdefgh ijklmnopq' }, says: /contains whitespace/ },
    { name: 'a short token in the configuration file', args: (dir) => ['--config', join(dir, 'c.yaml')], file: 'adminToken: abc\n', says: /is 3 characters long/ },
    { name: 'a short token file', args: (dir) => ['--admin-token-file', join(dir, 'token')], file: 'short\n', says: /admin token in .*token is 5 characters long/ },
    { name: 'a token file of whitespace', args: (dir) => ['--admin-token-file', join(dir, 'token')], file: `${' '.repeat(20)}\n`, says: /admin token in .*token contains whitespace/ },
  ];
  for (const c of cases) {
    test(`${c.name} is refused with one clear line, exit 2`, async () => {
      const dir = freshDir();
      if (c.file !== undefined) writeFileSync(join(dir, c.file.startsWith('adminToken') ? 'c.yaml' : 'token'), c.file, { mode: 0o600 });
      const { code, stderr } = await refusedServe(c.args?.(dir) ?? [], { ROLLCALL_ADMIN_TOKEN: '', ...c.env });
      assert.equal(code, 2);
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0] ?? '', /^rollcall serve: /);
      assert.match(lines[0] ?? '', c.says);
    });
  }

  test('a token file readable by group or others starts with a warning naming the fix', async () => {
    const dir = freshDir();
    const file = join(dir, 'token');
    writeFileSync(file, 'a-long-enough-admin-token-0123\n');
    chmodSync(file, 0o644);
    const serve = await spawnServe(['--upstream', engine.url, '--db', ':memory:', '--admin-token-file', file], { ROLLCALL_ADMIN_TOKEN: '' });
    try {
      assert.match(serve.banner, new RegExp(`warning: admin token file ${file} is readable by group or others \\(mode 0644\\); run chmod 600 ${file}`));
    } finally {
      assert.equal(await stopServe(serve), 0);
    }
  });
});

test('the database file is created readable by its owner only, and so are its WAL files', async () => {
  const dir = freshDir();
  const db = join(dir, 'calls.db');
  const serve = await spawnServe(['--upstream', engine.url, '--db', db, '--admin-token-file', join(dir, 'token')]);
  try {
    const token = execFileSync('cat', [join(dir, 'token')]).toString().trim();
    const root = serve.baseUrl.replace(/\/v1$/, '');
    const created = (await (await fetch(`${root}/admin/rollouts`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' })).json()) as { apiKey: string };
    await fetch(`${serve.baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${created.apiKey}` }, body: '{"messages": [{"role": "user", "content": "hi"}]}' });
    for (const file of [db, `${db}-wal`, `${db}-shm`]) assert.equal(statSync(file).mode & 0o777, 0o600, file);
  } finally {
    assert.equal(await stopServe(serve), 0);
  }
});

test('the listen backlog is the configured one (ROLLCALL_LISTEN_BACKLOG), as the kernel reports it', async () => {
  const serve = await spawnServe(['--upstream', engine.url, '--db', ':memory:', '--admin-token-file', join(freshDir(), 'token')], { ROLLCALL_LISTEN_BACKLOG: '123' });
  try {
    const port = new URL(serve.baseUrl).port;
    const listening = execFileSync('ss', ['-Hltn', `sport = :${port}`]).toString().trim().split(/\s+/);
    assert.equal(listening[2], '123', `ss: ${listening.join(' ')}`);
  } finally {
    assert.equal(await stopServe(serve), 0);
  }
});
