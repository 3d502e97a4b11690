/**
 * A synthetic run folder the size the log view must stay fast on: one step of 1,024 rollouts
 * (128 groups of 8, each rollout a 4-turn tool loop of about 1.3k tokens) plus one rollout whose
 * sample is 32,768 tokens (16 turns), written with the store and the trainer's own batch and
 * metrics writers. Token ids stay below 284 so the qwen2-tiny test tokenizer can decode them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchFilePath, runFolderAt, type RunFolder } from '../src/run/run-layout.ts';
import type { CallRecord, RolloutRecord } from '../src/store/records.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { buildSamples, toSampleCalls, type Sample } from '../src/trajectory/index.ts';
import type { SampleAdvantage } from '../trainer/advantages/advantage-types.ts';
import { MetricsLog } from '../trainer/metrics/metrics-log.ts';
import { buildBatch, writeBatch, type IndexedSample } from '../trainer/orchestrator/training-batch.ts';

export const STEP_ROLLOUTS = 1024;
export const GROUP_SIZE = 8;
export const LONG_TOKENS = 32_768;
export const LONG_ROLLOUT = 'ro_long_32k';

let seed = 7;
const nextId = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed % 284;
};
const ids = (n: number): number[] => Array.from({ length: n }, nextId);

function rollout(id: string, group: number, attempt: number, reward: number): RolloutRecord {
  return {
    id, taskId: `task-${group}`, groupId: `step1-task-${group}`, attempt, tag: null, trainable: true, engine: 'policy', status: 'open',
    limits: { maxCalls: 32 }, sampling: { temperature: 1, topP: 1 }, metadata: { step: 1, split: 'train' }, reward: null, isSuccess: null,
    createdAt: 1_700_000_000_000 + group * 10 + attempt, expiresAt: null, endedAt: null,
  };
}

/** A tool loop of `turns` calls: each prompt is the previous prompt + completion + `appended` new tokens. */
function insertLoop(store: Store, rolloutId: string, turns: number, first: number, appended: number, completion: number): void {
  let prompt = ids(first);
  let previous: number | null = null;
  for (let seq = 1; seq <= turns; seq++) {
    const completionIds = ids(completion);
    const messages = [{ role: 'user', content: `task of ${rolloutId}` }, ...Array.from({ length: seq - 1 }, (_, i) => ({ role: 'tool', content: `result ${i} printed 42` }))];
    const call: CallRecord = {
      rolloutId, seq, status: 'completed', trainable: true, untrainableReason: null, isStream: false,
      requestJson: JSON.stringify({ model: 'm', messages }), sentJson: null, dialect: 'openai-chat', chatRequestJson: null, answerId: null,
      response: { choices: [{ index: 0, message: { role: 'assistant', content: `turn ${seq}: the answer is \\boxed{42}` }, finish_reason: 'stop' }] },
      promptIds: prompt, choices: [{ index: 0, completionIds, logprobs: completionIds.map((_, i) => -((i % 17) / 10)), finishReason: 'stop' }],
      usage: { promptTokens: prompt.length, completionTokens: completion, totalTokens: prompt.length + completion },
      latencyMs: 40, ttftMs: 5, engine: 'vllm', replica: null, policyVersion: 0, error: null, mode: 'token',
      extendsCallId: previous, extendsChoice: null, flags: {}, startedAt: 0, endedAt: 1,
    };
    previous = store.calls.insert(call);
    prompt = [...prompt, ...completionIds, ...ids(appended)];
  }
}

export async function writeViewRun(dir: string): Promise<RunFolder> {
  const run = runFolderAt(dir);
  mkdirSync(run.batchesDir, { recursive: true });
  writeFileSync(run.configFile, 'project: bench\nproxy:\n  engine:\n    kind: vllm\n    upstreams: [http://127.0.0.1:9]\nsamples:\n  sharedPrefix: train-once\n');
  const store = openStore(run.databaseFile);
  const advantages: SampleAdvantage[] = [];
  const samples = new Map<string, IndexedSample>();
  const add = (record: RolloutRecord, reward: number) => {
    store.rollouts.close(record.id, { status: 'finished', reward, isSuccess: reward === 1, metadata: { judge: { 'judge/correct': reward } }, endedAt: record.createdAt + 1000 }, record.metadata);
    for (const sample of buildSamples(toSampleCalls(store.calls.listForRollout(record.id))).samples) {
      samples.set(`${record.id}/${sample.sampleId}`, { sample, taskId: record.taskId as string, reward, sampling: { temperature: 1, topP: 1 }, failure: null });
      const advantage = reward - 0.5;
      advantages.push({ sampleId: sample.sampleId, rolloutId: record.id, groupId: record.groupId as string, advantage, lossWeight: 1, tokenAdvantages: sample.lossMask.map((m) => (m === 1 ? advantage : 0)) });
    }
  };
  store.db.transaction(() => {
    for (let i = 0; i < STEP_ROLLOUTS; i++) {
      const record = rollout(`ro_${String(i).padStart(5, '0')}`, Math.floor(i / GROUP_SIZE), i % GROUP_SIZE, 0);
      store.rollouts.insert(record, Buffer.from(record.id));
      insertLoop(store, record.id, 4, 300, 60, 200);
      add(record, i % 3 === 0 ? 1 : 0);
    }
    const long = rollout(LONG_ROLLOUT, 9999, 0, 1);
    store.rollouts.insert(long, Buffer.from(long.id));
    insertLoop(store, long.id, 16, LONG_TOKENS - 16 * 1000 - 15 * 1000, 1000, 1000);
    add(long, 1);
  })();
  store.close();
  await writeBatch(batchFilePath(run, 1), buildBatch(advantages, samples));
  const metrics = MetricsLog.open({ path: run.metricsFile, now: () => 1_700_000_000_000 });
  for (let step = 1; step <= 100; step++) metrics.append(step, { 'reward/mean': step / 100, success_rate: step / 120, 'response_length/mean': 800 + step });
  metrics.close();
  return run;
}
