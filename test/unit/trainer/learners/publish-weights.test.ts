import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Agent } from 'undici';
import { isRollcallError } from '../../../../src/errors/rollcall-error.ts';
import { publishToEngine, type PublishTarget } from '../../../../trainer/learners/publish-weights.ts';
import { startFakeEngine, type FakeEngine } from '../../../fake-engine/server.ts';

const dispatcher = new Agent({ headersTimeout: 5_000, bodyTimeout: 5_000 });
const root = mkdtempSync(join(tmpdir(), 'rollcall-publish-'));
const folder = (name: string): string => {
  mkdirSync(join(root, name), { recursive: true });
  return join(root, name);
};
const target = (path: string, policyVersion = 1): PublishTarget => ({ path, loraName: 'policy', policyVersion });

/** Asserts a publish failure: its code and every fragment of its message. */
async function rejects(run: Promise<void>, code: string, fragments: (string | RegExp)[]): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(isRollcallError(error), String(error));
    assert.equal(error.code, code);
    for (const fragment of fragments) assert.match(error.message, typeof fragment === 'string' ? new RegExp(fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : fragment);
    return true;
  });
}

let lora: FakeEngine;
let dev: FakeEngine;
let plain: FakeEngine;
before(async () => {
  lora = await startFakeEngine({ runtimeLoraUpdating: true });
  dev = await startFakeEngine({ devMode: true });
  plain = await startFakeEngine();
});
after(async () => {
  await Promise.all([lora.close(), dev.close(), plain.close()]);
  await dispatcher.close();
});

test('vllm-lora: the first publish loads the adapter (unloading nothing), later ones unload then load the new folder', async () => {
  const first = folder('lora/step_0');
  await publishToEngine('vllm-lora', lora.url, target(first, 0), dispatcher);
  assert.deepEqual(lora.weightUpdates.map((u) => [u.route, u.status]), [['/v1/unload_lora_adapter', 404], ['/v1/load_lora_adapter', 200]]);
  const models = (await (await fetch(`${lora.url}/v1/models`)).json()) as { data: { id: string; root: string; parent: string | null }[] };
  assert.deepEqual(models.data.map((m) => [m.id, m.parent]), [['fake-model', null], ['policy', 'fake-model']]);
  assert.equal(models.data[1]?.root, first);
  const chat = await fetch(`${lora.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'policy', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }) });
  assert.equal(chat.status, 200, 'the adapter name is a model requests can name');

  const second = folder('lora/step_1');
  await publishToEngine('vllm-lora', `${lora.url}/`, target(second), dispatcher);
  assert.deepEqual(lora.weightUpdates.slice(2).map((u) => [u.route, u.status, u.path ?? null]), [['/v1/unload_lora_adapter', 200, null], ['/v1/load_lora_adapter', 200, second]]);
  assert.deepEqual(lora.loras.map((a) => [a.name, a.path]), [['policy', second]]);
});

test('vllm-lora failures name the engine, the call, the status, the body and the flags to check', async () => {
  await rejects(publishToEngine('vllm-lora', plain.url, target(folder('plain')), dispatcher), 'RC_ERR_PUBLISH_REJECTED', [
    `publishing weights (vllm-lora) to ${plain.url}: POST /v1/load_lora_adapter answered 404: {"detail":"Not Found"}`,
    'VLLM_ALLOW_RUNTIME_LORA_UPDATING=True',
    '--enable-lora',
  ]);
  const missing = join(root, 'never-written');
  await rejects(publishToEngine('vllm-lora', lora.url, target(missing), dispatcher), 'RC_ERR_PUBLISH_REJECTED', [
    'POST /v1/load_lora_adapter answered 404',
    `No adapter found for ${missing}`,
  ]);
  lora.failWeightUpdates({ after: 0, status: 500, message: 'CUDA out of memory' });
  try {
    await rejects(publishToEngine('vllm-lora', lora.url, target(folder('oom')), dispatcher), 'RC_ERR_PUBLISH_REJECTED', ['answered 500', 'CUDA out of memory']);
  } finally {
    lora.failWeightUpdates(null);
  }
});

test('vllm-reload: reload_weights from the folder, then a prefix-cache reset; without dev mode both routes are missing', async () => {
  const path = folder('full/step_3');
  await publishToEngine('vllm-reload', dev.url, target(path, 3), dispatcher);
  assert.deepEqual(dev.weightUpdates.map((u) => [u.route, u.status]), [['/collective_rpc', 200], ['/reset_prefix_cache', 200]]);
  assert.equal(dev.reloadedFrom, path);
  const sent = dev.requests.find((r) => r.path === '/collective_rpc')?.body;
  assert.deepEqual(sent, { method: 'reload_weights', kwargs: { weights_path: path } });

  await rejects(publishToEngine('vllm-reload', plain.url, target(path), dispatcher), 'RC_ERR_PUBLISH_REJECTED', [
    'POST /collective_rpc answered 404: {"detail":"Not Found"}',
    'VLLM_SERVER_DEV_MODE=1',
  ]);
  await rejects(publishToEngine('vllm-reload', dev.url, target(join(root, 'gone')), dispatcher), 'RC_ERR_PUBLISH_REJECTED', ['POST /collective_rpc answered 500', 'no weights at']);
});

test('an engine that cannot be reached is a retryable failure naming its URL', async () => {
  const closed = await startFakeEngine();
  const url = closed.url;
  await closed.close();
  await assert.rejects(publishToEngine('vllm-reload', url, target(root), dispatcher), (error: unknown) => {
    assert.ok(isRollcallError(error));
    assert.equal(error.code, 'RC_ERR_PUBLISH_UNREACHABLE');
    assert.equal(error.retryable, true);
    assert.match(error.message, new RegExp(`publishing weights \\(vllm-reload\\) to ${url}: POST /collective_rpc failed: .*Is the engine running at ${url}\\?`));
    return true;
  });
});

/** SGLang's answers (http_server.py): `{success, message, num_paused_requests}` for weights, `{success, error_message, loaded_adapters}` for LoRA. */
type SglangStub = { url: string; calls: { path: string; body: Record<string, unknown> }[]; server: Server };

async function startSglangStub(answer: (path: string, body: Record<string, unknown>) => [number, unknown]): Promise<SglangStub> {
  const stub = { url: '', calls: [] as SglangStub['calls'], server: createServer() };
  stub.server.on('request', (req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      stub.calls.push({ path: req.url ?? '', body });
      const [status, json] = answer(req.url ?? '', body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(stub.server.address() as AddressInfo).port}`;
  return stub;
}

test('sglang-disk sends the folder and the version as a string, and reads success from the answer', async () => {
  const ok = await startSglangStub(() => [200, { success: true, message: 'Succeeded to update model weights.', num_paused_requests: 0 }]);
  const refused = await startSglangStub(() => [400, { success: false, message: 'Failed to get weights iterator: shape mismatch', num_paused_requests: 0 }]);
  const quiet = await startSglangStub(() => [200, { success: false, message: 'The model is being updated', num_paused_requests: 0 }]);
  try {
    await publishToEngine('sglang-disk', ok.url, target('/shared/step_7', 7), dispatcher);
    assert.deepEqual(ok.calls, [{ path: '/update_weights_from_disk', body: { model_path: '/shared/step_7', weight_version: '7', flush_cache: true } }]);
    await rejects(publishToEngine('sglang-disk', refused.url, target('/shared/step_7'), dispatcher), 'RC_ERR_PUBLISH_REJECTED', ['POST /update_weights_from_disk answered 400', 'shape mismatch', 'same architecture and shapes']);
    await rejects(publishToEngine('sglang-disk', quiet.url, target('/shared/step_7'), dispatcher), 'RC_ERR_PUBLISH_REJECTED', ['answered 200 but success is not true', 'The model is being updated']);
  } finally {
    for (const stub of [ok, refused, quiet]) stub.server.close();
  }
});

test('sglang-lora unloads (a refusal means it was not loaded) then loads, and a refused load fails', async () => {
  const loaded = new Set<string>();
  const engine = await startSglangStub((path, body) => {
    const name = String(body.lora_name);
    if (path === '/unload_lora_adapter' && !loaded.delete(name)) return [400, { success: false, error_message: `LoRA adapter ${name} is not loaded`, loaded_adapters: {} }];
    if (path === '/load_lora_adapter') {
      if (String(body.lora_path).includes('bad')) return [400, { success: false, error_message: 'Failed to load LoRA adapter: rank too large', loaded_adapters: {} }];
      loaded.add(name);
    }
    return [200, { success: true, error_message: null, loaded_adapters: Object.fromEntries([...loaded].map((n) => [n, body.lora_path])) }];
  });
  try {
    await publishToEngine('sglang-lora', engine.url, target('/shared/step_0', 0), dispatcher);
    await publishToEngine('sglang-lora', engine.url, target('/shared/step_1'), dispatcher);
    assert.deepEqual(engine.calls.map((c) => c.path), ['/unload_lora_adapter', '/load_lora_adapter', '/unload_lora_adapter', '/load_lora_adapter']);
    assert.deepEqual(engine.calls[3]?.body, { lora_name: 'policy', lora_path: '/shared/step_1' });
    await rejects(publishToEngine('sglang-lora', engine.url, target('/shared/bad'), dispatcher), 'RC_ERR_PUBLISH_REJECTED', ['POST /load_lora_adapter answered 400', 'rank too large', '--enable-lora']);
  } finally {
    engine.server.close();
  }
});
