import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeEngine, type FakeEngine } from '../../../fake-engine/server.ts';
import { engineDecoder } from '../../../../view/tokens/engine-decoder.ts';
import { decodePage } from '../../../../view/tokens/token-decoder.ts';

let engine: FakeEngine;
before(async () => {
  engine = await startFakeEngine();
});
after(async () => {
  await engine.close();
});

const detokenizeCalls = () => engine.requests.filter((r) => r.path === '/detokenize').length;

test("the engine's /detokenize names each id once, and the page gets one text per token", async () => {
  const decoder = engineDecoder('vllm', engine.url);
  const ids = [100264, 78191, 198, 9906, 1917, 0, 9906, 100265];
  const before = detokenizeCalls();
  const text = await decoder.textOf(ids, 0, ids.length);
  assert.deepEqual(text, ['<|im_start|>', 'assistant', '\n', 'Hello', ' world', '!', 'Hello', '<|im_end|>']);
  assert.equal(detokenizeCalls() - before, 7, 'the repeated id is asked for once');
  await decoder.textOf(ids, 2, 5);
  assert.equal(detokenizeCalls() - before, 7, 'known ids are not asked for again');
});

test('an engine that is gone leaves the page with ids, saying why', async () => {
  const gone = await startFakeEngine();
  const url = gone.url;
  await gone.close();
  const page = await decodePage(engineDecoder('vllm', url), [5, 6, 7], 1, 3);
  assert.deepEqual(page.text, ['6', '7']);
  assert.equal(page.info.kind, 'ids');
  assert.match(page.info.detail, /failed \(.*ECONNREFUSED/);
});
