import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { detailError } from '../../src/errors/rollcall-error.ts';
import { isLoraMethod, type PublishConfig } from '../config/publish-config.ts';
import type { Learner } from './learner-types.ts';
import { publishToEngine } from './publish-weights.ts';

/**
 * Puts the learner's current weights behind every engine: the worker writes `<dir>/step_<n>`
 * (complete or not at all), then each engine loads it, all engines at once. The caller pauses
 * the proxy around this (policy-update.ts).
 *
 * Folder policy: after a successful publish of step n, `step_n` and the newest older step folder
 * stay; lower-numbered `step_<k>` folders are deleted (an engine may still be reading the previous
 * one when a replica lags; nothing reads older ones). Higher numbers, left by an earlier run, are
 * kept until this run writes over them. Deletion runs on the trainer's machine, which sees `dir`
 * at the same path as the worker and the engines (publish-config.ts).
 */
export type WeightsPublisher = {
  /** Saves the weights as step `step`'s and has every engine load them; returns the step's publish metrics. */
  publish(step: number, policyVersion: number): Promise<Record<string, number>>;
  close(): Promise<void>;
};

export type PublisherOptions = {
  config: PublishConfig;
  /** `config.dir` resolved to an absolute path. */
  dir: string;
  engineUrls: readonly string[];
  learner: Learner;
  log: (line: string) => void;
};

const STEP_FOLDER = /^step_(\d+)$/;

function pruneStepFolders(dir: string, step: number, log: (line: string) => void): void {
  let older: number[];
  try {
    older = readdirSync(dir).map((name) => STEP_FOLDER.exec(name)?.[1]).filter((n) => n !== undefined).map(Number).filter((n) => n < step).sort((a, b) => b - a);
  } catch (error) {
    log(`publish: cannot list ${dir} to delete old step folders (${(error as Error).message}); they stay`);
    return;
  }
  for (const k of older.slice(1)) {
    try {
      rmSync(join(dir, `step_${k}`), { recursive: true, force: true });
    } catch (error) {
      log(`publish: cannot delete ${join(dir, `step_${k}`)} (${(error as Error).message}); it stays`);
    }
  }
}

export function createWeightsPublisher(options: PublisherOptions): WeightsPublisher {
  const { config, dir, engineUrls, learner, log } = options;
  const dispatcher = new Agent({ headersTimeout: config.timeoutMs, bodyTimeout: config.timeoutMs, connectTimeout: 10_000 });
  return {
    async publish(step, policyVersion) {
      const started = performance.now();
      const saved = await learner.saveWeights(join(dir, `step_${step}`));
      if (saved.isLora !== isLoraMethod(config.method)) {
        const has = saved.isLora ? 'a LoRA adapter' : 'full weights';
        const wants = isLoraMethod(config.method) ? 'a LoRA adapter (start the worker with --lora-rank N)' : 'full weights (start the worker without --lora-rank)';
        throw detailError('RC_ERR_PUBLISH_WEIGHTS_KIND', `the worker saved ${has} to ${saved.path}, but learner.publish.method ${config.method} loads ${wants}`);
      }
      const target = { path: saved.path, loraName: config.loraName, policyVersion };
      const results = await Promise.allSettled(engineUrls.map((url) => publishToEngine(config.method, url, target, dispatcher)));
      const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason as Error & { code?: string });
      const first = failures[0];
      if (first !== undefined) {
        if (failures.length === 1) throw first;
        const code = first.code === 'RC_ERR_PUBLISH_UNREACHABLE' ? 'RC_ERR_PUBLISH_UNREACHABLE' : 'RC_ERR_PUBLISH_REJECTED';
        throw detailError(code, `${failures.length} of ${engineUrls.length} engines did not take the weights:\n  ${failures.map((f) => f.message).join('\n  ')}`, { cause: first });
      }
      pruneStepFolders(dir, step, log);
      const seconds = (performance.now() - started) / 1000;
      log(`published ${saved.path} (policy version ${policyVersion}) to ${engineUrls.length} engine(s) in ${seconds.toFixed(1)} s`);
      return { 'time/publish_s': seconds };
    },
    async close() {
      await dispatcher.close();
    },
  };
}
