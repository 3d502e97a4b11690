import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { post } from './engine-client.ts';

const root = mkdtempSync(join(tmpdir(), 'fake-engine-weights-'));
const adapterA = join(root, 'a');
const adapterB = join(root, 'b');
mkdirSync(adapterA);
mkdirSync(adapterB);

let engine: FakeEngine;
let gated: FakeEngine;
before(async () => {
  engine = await startFakeEngine({ modelName: 'org/base', runtimeLoraUpdating: true, devMode: true });
  gated = await startFakeEngine();
});
after(async () => {
  await engine.close();
  await gated.close();
});

const error = (text: string): { message: string; type: string; code: number } => (JSON.parse(text) as { error: { message: string; type: string; code: number } }).error;

describe('fake engine weight updates (vLLM)', () => {
  it('loads and unloads adapters with text/plain successes and vLLM\'s refusals', async () => {
    const loaded = await post(`${engine.url}/v1/load_lora_adapter`, { lora_name: 'policy', lora_path: adapterA });
    assert.equal(loaded.status, 200);
    assert.match(loaded.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(loaded.text, "Success: LoRA adapter 'policy' added successfully.");

    const twice = await post(`${engine.url}/v1/load_lora_adapter`, { lora_name: 'policy', lora_path: adapterB });
    assert.equal(twice.status, 400);
    assert.equal(error(twice.text).message, "The lora adapter 'policy' has already been loaded. If you want to load the adapter in place, set 'load_inplace' to True.");
    assert.equal((await post(`${engine.url}/v1/load_lora_adapter`, { lora_name: 'policy', lora_path: adapterB, load_inplace: true })).status, 200);
    assert.deepEqual(engine.loras.map((a) => a.path), [adapterB]);

    const badPath = await post(`${engine.url}/v1/load_lora_adapter`, { lora_name: 'other', lora_path: join(root, 'missing') });
    assert.deepEqual([badPath.status, error(badPath.text).type], [404, 'NotFoundError']);
    assert.equal((await post(`${engine.url}/v1/load_lora_adapter`, { lora_name: 'x' })).status, 400);

    const removed = await post(`${engine.url}/v1/unload_lora_adapter`, { lora_name: 'policy' });
    assert.equal(removed.text, "Success: LoRA adapter 'policy' removed successfully.");
    const unknown = await post(`${engine.url}/v1/unload_lora_adapter`, { lora_name: 'policy' });
    assert.deepEqual([unknown.status, error(unknown.text).message], [404, "The lora adapter 'policy' cannot be found."]);
    assert.deepEqual(engine.weightUpdates.map((u) => u.status), [200, 400, 200, 404, 400, 200, 404]);
  });

  it('lists a loaded adapter as a model card and serves requests naming it; any other name is a 404', async () => {
    await post(`${engine.url}/v1/load_lora_adapter`, { lora_name: 'policy', lora_path: adapterA });
    const cards = ((await (await fetch(`${engine.url}/v1/models`)).json()) as { data: Record<string, unknown>[] }).data;
    assert.deepEqual(cards.map((c) => [c['id'], c['root'], c['parent'], c['max_model_len']]), [['org/base', 'org/base', null, 4096], ['policy', adapterA, 'org/base', null]]);
    const prompt = { prompt: [1, 2, 3], max_tokens: 2 };
    assert.equal((await post(`${engine.url}/v1/completions`, { ...prompt, model: 'policy' })).status, 200);
    assert.equal((await post(`${engine.url}/v1/completions`, { ...prompt, model: 'org/base' })).status, 200);
    const stranger = await post(`${engine.url}/v1/completions`, { ...prompt, model: 'stranger' });
    assert.deepEqual([stranger.status, error(stranger.text).message], [404, 'The model `stranger` does not exist.']);
    await post(`${engine.url}/v1/unload_lora_adapter`, { lora_name: 'policy' });
    assert.equal((await post(`${engine.url}/v1/completions`, { ...prompt, model: 'policy' })).status, 404, 'an unloaded adapter is no longer a model');
  });

  it('reloads full weights through /collective_rpc and resets the prefix cache, in dev mode only', async () => {
    const rpc = await post(`${engine.url}/collective_rpc`, { method: 'reload_weights', kwargs: { weights_path: adapterA } });
    assert.deepEqual([rpc.status, JSON.parse(rpc.text)], [200, { results: [null] }]);
    assert.equal(engine.reloadedFrom, adapterA);
    const reset = await post(`${engine.url}/reset_prefix_cache`, {});
    assert.deepEqual([reset.status, reset.text], [200, '']);
    assert.equal((await post(`${engine.url}/collective_rpc`, { kwargs: {} })).text, '{"detail":"Missing \'method\' in request body"}');
    assert.equal((await post(`${engine.url}/collective_rpc`, { method: 'reload_weights', kwargs: { weights_path: adapterA, strict: true } })).status, 400, 'kwargs are strings over HTTP');
  });

  it('has none of these routes without their gates', async () => {
    for (const path of ['/v1/load_lora_adapter', '/v1/unload_lora_adapter', '/collective_rpc', '/reset_prefix_cache']) {
      const answer = await post(`${gated.url}${path}`, { lora_name: 'policy', lora_path: adapterA, method: 'reload_weights' });
      assert.deepEqual([answer.status, answer.text], [404, '{"detail":"Not Found"}'], path);
    }
    assert.equal(gated.weightUpdates.length, 0);
  });

  it('fails loads after the configured number of successes', async () => {
    engine.failWeightUpdates({ after: 1, status: 500, message: 'boom' });
    try {
      assert.equal((await post(`${engine.url}/v1/load_lora_adapter`, { lora_name: 'one', lora_path: adapterA })).status, 200);
      const failed = await post(`${engine.url}/v1/load_lora_adapter`, { lora_name: 'two', lora_path: adapterA });
      assert.deepEqual([failed.status, error(failed.text).message], [500, 'boom']);
      assert.deepEqual(engine.loras.map((a) => a.name), ['one']);
    } finally {
      engine.failWeightUpdates(null);
    }
  });
});
