/**
 * The image as Docker runs it, without a Docker engine: the runtime stage's entrypoint, environment
 * and working directory, as a non-root user (uid 65534, through setpriv), with a read-only app
 * folder laid out as the stage's COPY lines say and a writable folder standing in for the /data
 * volume. The container paths /app and /data are mapped to those folders.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { readRuntimeStage, type RuntimeStage } from '../../support/dockerfile-stage.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NOBODY = 65534;
const execute = promisify(execFile);
let engine: FakeEngine;
let stage: RuntimeStage;

before(async () => {
  engine = await startFakeEngine();
  stage = readRuntimeStage(join(ROOT, 'Dockerfile'));
  assert.ok(existsSync('/usr/bin/setpriv'), 'setpriv (util-linux) runs the entrypoint as a non-root user');
  assert.equal(process.getuid?.(), 0, 'the test switches to uid 65534, which needs root (tests run as root here and in CI)');
});
after(async () => {
  await engine.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Container = { root: string; app: string; data: string; map: (text: string) => string };

/** The image's file system: /app read-only (links into this checkout), /data writable by the user or not. */
function layout(options: { dataWritable: boolean }): Container {
  const root = mkdtempSync(join(tmpdir(), 'rollcall-image-'));
  chmodSync(root, 0o755);
  const app = join(root, 'app');
  const data = join(root, 'data');
  const map = (text: string) => text.replace(/(^|[^\w])\/app(?=\/|$)/g, `$1${app}`).replace(/(^|[^\w])\/data(?=\/|$)/g, `$1${data}`);
  for (const { from, to } of stage.copies) {
    const target = map(to);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(ROOT, from), target);
  }
  chmodSync(app, 0o555);
  mkdirSync(data);
  if (options.dataWritable) chownSync(data, NOBODY, NOBODY);
  return { root, app, data, map };
}

type Running = { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> };

/** `docker run IMAGE ARGS…`: the entrypoint with ARGS (or CMD when none), as the stage's user. */
function dockerRun(container: Container, args: string[], env: Record<string, string>): Running {
  const command = [...stage.entrypoint, ...(args.length > 0 ? args : stage.cmd)].map(container.map);
  const imageEnv = Object.fromEntries(Object.entries(stage.env).map(([key, value]) => [key, container.map(value)]));
  const node = command[0] === 'node' ? process.execPath : (command[0] as string);
  const child = spawn('/usr/bin/setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', node, ...command.slice(1)], {
    cwd: container.map(stage.workdir),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...imageEnv, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForBanner(running: Running): Promise<void> {
  // Up to 60 s: a loaded machine can be slow to start Node; a crash ends the wait at once.
  for (let i = 0; i < 1200 && !/rollcall proxy ready/.test(running.output()); i++) {
    if (running.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.match(running.output(), /rollcall proxy ready/, running.output());
}

test('the runtime stage runs as a non-root user, from its environment and entrypoint', () => {
  assert.ok(stage.user !== null && stage.user !== 'root', 'USER is not root');
  assert.equal(stage.workdir, '/data', 'relative paths land on the volume');
  assert.equal(stage.env.ROLLCALL_DB, '/data/rollcall.db');
  assert.equal(stage.env.ROLLCALL_ADMIN_TOKEN_FILE, '/data/admin-token');
  assert.equal(stage.env.ROLLCALL_HOST, '0.0.0.0');
  assert.deepEqual(stage.cmd, ['serve'], 'CMD holds nothing a user would lose by replacing it');
});

test('`docker run IMAGE serve --upstream URL` (CMD replaced, as the README says) writes its token and database to /data and answers', async () => {
  const container = layout({ dataWritable: true });
  const port = await freePort();
  const running = dockerRun(container, ['serve', '--host', '0.0.0.0', '--upstream', engine.url], { ROLLCALL_PORT: String(port), ROLLCALL_LOG_LEVEL: 'warn' });
  try {
    await waitForBanner(running);
    const token = join(container.data, 'admin-token');
    assert.equal(statSync(token).uid, NOBODY, 'written by the container user');
    assert.equal(statSync(token).mode & 0o777, 0o600);
    assert.ok(existsSync(join(container.data, 'rollcall.db')));
    assert.match(running.output(), new RegExp(`admin token: generated into ${token.replace(/[.]/g, '\\.')}`));
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
    const created = await fetch(`http://127.0.0.1:${port}/admin/rollouts`, { method: 'POST', headers: { authorization: `Bearer ${readFileSync(token, 'utf8').trim()}` }, body: '{}' });
    assert.equal(created.status, 201, 'the token on the volume is the admin token');
    // The image's HEALTHCHECK, run as Docker runs it: inside the container's environment.
    const [check, ...checkArgs] = stage.healthcheck;
    await execute(check === 'node' ? process.execPath : (check as string), checkArgs, { env: { ...process.env, ROLLCALL_PORT: String(port) } });
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0, 'docker stop closes the server and the database cleanly');
  } finally {
    if (running.child.exitCode === null) running.child.kill('SIGKILL');
  }
});

test('`docker run IMAGE` (CMD as built) starts the same way', async () => {
  const container = layout({ dataWritable: true });
  const port = await freePort();
  const running = dockerRun(container, [], { ROLLCALL_PORT: String(port), ROLLCALL_UPSTREAM: engine.url, ROLLCALL_LOG_LEVEL: 'warn' });
  try {
    await waitForBanner(running);
    assert.ok(existsSync(join(container.data, 'admin-token')));
  } finally {
    running.child.kill('SIGTERM');
    await running.exited;
  }
});

test('a volume the user cannot write is one line that names the path and the fix', async () => {
  const container = layout({ dataWritable: false });
  const running = dockerRun(container, ['serve', '--upstream', engine.url], { ROLLCALL_PORT: String(await freePort()) });
  assert.equal(await running.exited, 1);
  const lines = running.output().trim().split('\n');
  assert.equal(lines.length, 1, running.output());
  assert.match(lines[0] ?? '', new RegExp(`^rollcall serve: cannot write ${container.data}/\\S+ \\(EACCES\\): give --db and --admin-token-file .* this user \\(uid ${NOBODY}\\) can write$`));
});

test('docker-compose.yml runs rollcall in front of vLLM, starting before the engine is healthy', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Record<string, unknown>>; volumes: Record<string, unknown> };
  const { vllm, rollcall } = compose.services as { vllm: Record<string, any>; rollcall: Record<string, any> };
  const vllmPort = vllm.command[vllm.command.indexOf('--port') + 1];
  assert.deepEqual(rollcall.command, ['serve', '--upstream', `http://vllm:${vllmPort}`], 'only CMD is replaced; the upstream is the vllm service root, without /v1');
  assert.deepEqual(rollcall.depends_on, { vllm: { condition: 'service_started' } }, 'not service_healthy: the proxy starts first');
  assert.match(vllm.healthcheck.test.join(' '), new RegExp(`127\\.0\\.0\\.1:${vllmPort}/health`));
  assert.ok(vllm.command.includes('--enable-auto-tool-choice'));
  assert.ok(rollcall.volumes.includes('rollcall-data:/data') && 'rollcall-data' in compose.volumes);
  assert.ok(rollcall.ports.includes(`${stage.env.ROLLCALL_PORT}:${stage.exposed[0]}`));
  assert.equal(rollcall.build, '.');
});
