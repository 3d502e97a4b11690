// A rollout input shared by the workflow runner tests.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowRunInput } from '../../../../trainer/workflows/workflow-types.ts';

/** test/fixtures/workflows, the base directory the runner tests resolve workflows against. */
export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/workflows');

export function sampleInput(overrides: Partial<WorkflowRunInput> = {}): WorkflowRunInput {
  return {
    task: { id: 'gsm8k-7', index: 7, query: 'What is 6 * 3?', referenceAnswer: '18', metadata: { split: 'train' } },
    baseUrl: 'http://127.0.0.1:8787/v1',
    apiKey: 'rk-test-key',
    model: 'policy',
    rolloutId: 'ro-1',
    attempt: 2,
    metadata: { step: 3 },
    auxiliaryModels: { judge: { baseUrl: 'http://judge/v1', apiKey: 'jk', model: 'qwen3' } },
    ...overrides,
  };
}
