import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stepHyper } from '../../../../trainer/config/learner-hyper.ts';
import { ConfigError, loadTrainerConfig } from '../../../../trainer/config/load-trainer-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollcall-hyper-'));
let files = 0;
const load = (extra: string) => {
  const file = join(dir, `c${(files += 1)}.yaml`);
  writeFileSync(file, `tasks:\n  train: { type: jsonl, path: t.jsonl }\nworkflow: { type: module, module: ./a.ts#run }\n${extra}`);
  return loadTrainerConfig(file, {}, {}).config;
};
const problems = (extra: string): string[] => {
  try {
    load(extra);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

test('GRPO aggregates with token-mean and sends no loss scale factor', () => {
  const hyper = stepHyper(load(''));
  assert.equal(hyper.lossAgg, 'token-mean');
  assert.equal('lossScaleFactor' in hyper, false);
  assert.equal(hyper.tis, 'bypass');
  assert.equal(hyper.engineLogprobs, 'full');
});

test('Dr. GRPO sets its aggregation and divides by a configured constant, not the batch', () => {
  assert.deepEqual(pick(stepHyper(load('algorithm: { estimator: drgrpo }\n'))), ['seq-mean-token-sum-norm', 1024], 'rollout.limits.maxTokensPerTurn by default');
  assert.deepEqual(pick(stepHyper(load('algorithm: { estimator: drgrpo }\nsamples: { maxResponseTokens: 3000 }\n'))), ['seq-mean-token-sum-norm', 3000]);
  assert.deepEqual(pick(stepHyper(load('algorithm: { estimator: drgrpo }\nlearner: { hyper: { lossScaleFactor: 4096 } }\n'))), ['seq-mean-token-sum-norm', 4096]);
});

test('Dr. GRPO refuses another aggregation, and the constant divisor must come from somewhere', () => {
  assert.match(problems('algorithm: { estimator: drgrpo }\nlearner: { hyper: { lossAgg: token-mean } }\n').join('\n'), /^learner\.hyper\.lossAgg: algorithm\.estimator drgrpo aggregates with seq-mean-token-sum-norm/m);
  const missing = problems('learner: { hyper: { lossAgg: seq-mean-token-sum-norm } }\nrollout: { limits: { maxCalls: 4 } }\n');
  assert.match(missing.join('\n'), /^learner\.hyper\.lossScaleFactor: required with seq-mean-token-sum-norm/m);
});

test('training rollouts always pin temperature and top-p, so the learner knows them', () => {
  assert.deepEqual(load('').rollout.sampling, { temperature: 1, topP: 1 });
  assert.deepEqual(load('rollout: { sampling: { temperature: 0.7 } }\n').rollout.sampling, { temperature: 0.7, topP: 1 });
  assert.match(problems('rollout: { sampling: { temprature: 0.7 } }\n').join('\n'), /rollout\.sampling\.temprature: unknown key/);
});

function pick(hyper: ReturnType<typeof stepHyper>): [string, number | undefined] {
  return [hyper.lossAgg, hyper.lossScaleFactor];
}
