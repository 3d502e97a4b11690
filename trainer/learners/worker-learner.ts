import { Agent, request } from 'undici';
import type { StepHyper } from '../config/learner-hyper.ts';
import type { Learner, SavedWeights, TrainSample, TrainStepResult } from './learner-types.ts';

/**
 * The HTTP client of the GPU worker (trainer/worker/README.md): `POST /train/step`, `POST /checkpoint`,
 * `POST /restore`, `POST /weights`, `GET /health`. A step can take minutes, so time-outs are the
 * configured learner time-out, not the HTTP defaults.
 */
export function createWorkerLearner(url: string, timeoutMs: number): Learner {
  const dispatcher = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connections: 4 });
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await request(`${url}${path}`, {
      method,
      dispatcher,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`learner ${method} ${path} answered ${response.statusCode}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
  return {
    kind: 'worker',
    async trainStep(samples: TrainSample[], hyper: StepHyper): Promise<TrainStepResult> {
      const answer = await call<{ metrics?: Record<string, number>; policyVersion?: number }>('POST', '/train/step', { samples, hyper });
      if (typeof answer.policyVersion !== 'number') throw new Error('learner answered /train/step without a policyVersion');
      return { metrics: answer.metrics ?? {}, policyVersion: answer.policyVersion };
    },
    async checkpoint(dir: string) {
      await call('POST', '/checkpoint', { path: dir });
    },
    async restore(dir: string) {
      await call('POST', '/restore', { path: dir });
    },
    async saveWeights(dir: string): Promise<SavedWeights> {
      const answer = await call<{ path?: string; policyVersion?: number; lora?: boolean }>('POST', '/weights', { path: dir });
      if (typeof answer.path !== 'string' || typeof answer.policyVersion !== 'number' || typeof answer.lora !== 'boolean') {
        throw new Error(`learner answered /weights without path, policyVersion and lora: ${JSON.stringify(answer).slice(0, 200)}`);
      }
      return { path: answer.path, policyVersion: answer.policyVersion, isLora: answer.lora };
    },
    async close() {
      await dispatcher.close();
    },
  };
}

/** Waits until the worker answers `GET /health`, so a run does not fail while it loads a model. */
export async function waitForWorker(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`the learner at ${url} did not answer GET /health within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
