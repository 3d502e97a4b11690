import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadTrainerConfig } from '../../../../trainer/config/load-trainer-config.ts';
import { policyModelName } from '../../../../trainer/config/publish-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollcall-publish-config-'));
let count = 0;
function load(extra: string) {
  const file = join(dir, `c${count++}.yaml`);
  writeFileSync(file, `tasks:\n  train: { type: jsonl, path: t.jsonl }\nworkflow: { type: module, module: ./a.ts#run }\n${extra}`);
  return loadTrainerConfig(file, {}, {});
}
function problems(extra: string): string[] {
  try {
    load(extra);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

const PUBLISH = 'learner: { type: worker, colocated: false, publish: { method: vllm-lora, dir: weights } }\n';

test('a worker publishing to vLLM gets its defaults', () => {
  const { config } = load(PUBLISH);
  assert.deepEqual(config.learner.publish, { method: 'vllm-lora', dir: join(dir, 'weights'), loraName: 'policy', timeoutMs: 600_000 }, 'the folder relative to the config file, made absolute');
});

test('combinations that cannot work name the key to change', () => {
  assert.deepEqual(problems('learner: { type: worker, publish: { method: vllm-lora, dir: w } }\n'), [
    'learner.colocated: must be false with learner.publish: a colocated worker serves generation itself and already holds its new weights',
  ]);
  assert.deepEqual(problems('learner: { type: debug, colocated: false, publish: { method: vllm-reload, dir: w } }\n'), [
    'learner.publish: needs learner.type: worker (the debug learner trains no weights to publish)',
  ]);
  assert.deepEqual(problems(`proxy: { engine: { kind: sglang } }\n${PUBLISH}`), ['learner.publish.method: vllm-lora pushes weights to vllm, but proxy.engine.kind is sglang']);
  assert.deepEqual(problems(`proxy: { url: 'http://proxy:8787' }\n${PUBLISH}`), ['learner.publish.engineUrls: required with proxy.url or proxy.urls: the trainer does not know the engines behind those proxies']);
  assert.match(problems(`rollout: { model: Qwen/Qwen2.5-0.5B-Instruct }\n${PUBLISH}`)[0] ?? '', /^rollout\.model: with vllm-lora workflows must send the adapter name "policy"/);
  assert.match(problems('learner: { type: worker, colocated: false, publish: { method: vllm-lora, dir: w, loraName: "a b" } }\n')[0] ?? '', /^learner\.publish\.loraName: /);
});

test('sglang-lora needs chat mode and a "<base>:<adapter>" model', () => {
  const sglang = 'learner: { type: worker, colocated: false, publish: { method: sglang-lora, dir: w, loraName: pol } }\n';
  assert.deepEqual(problems(`proxy: { engine: { kind: sglang } }\n${sglang}`).map((p) => p.split(':')[0]), ['proxy.engine.mode']);
  assert.doesNotThrow(() => load(`proxy: { engine: { kind: sglang, mode: chat } }\nrollout: { model: 'Qwen/Qwen3-8B:pol' }\n${sglang}`));
  assert.match(problems(`proxy: { engine: { kind: sglang, mode: chat } }\nrollout: { model: Qwen/Qwen3-8B }\n${sglang}`)[0] ?? '', /^rollout\.model: with sglang-lora the model must be "<served base model>:pol"/);
  assert.match(problems(`proxy: { url: 'http://p:1', engine: { kind: sglang } }\n${sglang.replace('loraName: pol', 'loraName: pol, engineUrls: ["http://e:1"]')}`)[0] ?? '', /^rollout\.model: required with sglang-lora and proxy.url or proxy.urls/);
});

test('workflows send the adapter name for LoRA methods and the engine model otherwise', () => {
  const base = { dir: 'w', loraName: 'policy', timeoutMs: 1 };
  assert.equal(policyModelName({ ...base, method: 'vllm-lora' }, 'Qwen/Qwen3-8B'), 'policy');
  assert.equal(policyModelName({ ...base, method: 'sglang-lora' }, 'Qwen/Qwen3-8B'), 'Qwen/Qwen3-8B:policy');
  assert.equal(policyModelName({ ...base, method: 'sglang-lora' }, null), null);
  assert.equal(policyModelName({ ...base, method: 'vllm-reload' }, 'Qwen/Qwen3-8B'), 'Qwen/Qwen3-8B');
  assert.equal(policyModelName(undefined, 'Qwen/Qwen3-8B'), 'Qwen/Qwen3-8B');
});
