/**
 * Builds the runner a `workflow` config section names. The config is parsed here (so raw input
 * with defaults left out is accepted; an invalid one throws zod's error naming the path, which is
 * a start-up failure, not a workflow outcome). Relative paths resolve against `baseDir`, the
 * folder of the config file. A `python` workflow runs in the run's Python service, started
 * beforehand (`function-service/python-plan.ts`) and passed in `services`.
 *
 * @example
 * const runner = createWorkflowRunner(
 *   { type: 'command', command: ['python3', 'agent.py'], timeoutMs: 120_000 },
 *   dirname(configPath),
 * );
 * const check = await runner.check();
 * if (!check.ok) throw new Error(check.message);
 * const result = await runner.run({ task, baseUrl, apiKey, model, rolloutId, attempt: 0,
 *   metadata: {}, auxiliaryModels: {}, signal: shutdown.signal });
 */
import { createCommandRunner } from './command-runner.ts';
import { createHttpRunner } from './http-runner.ts';
import { createModuleRunner } from './module-runner.ts';
import { createPythonRunner } from './python-runner.ts';
import type { PythonHost } from '../function-service/python-host.ts';
import { WorkflowConfigSchema, type WorkflowConfigInput } from './workflow-config.ts';
import type { WorkflowRunner } from './workflow-types.ts';

/** Long-lived services a run starts before its runners: the Python process of `type: python`. */
export type RunnerServices = { python?: PythonHost };

export function createWorkflowRunner(config: WorkflowConfigInput, baseDir: string, services: RunnerServices = {}): WorkflowRunner {
  const parsed = WorkflowConfigSchema.parse(config);
  switch (parsed.type) {
    case 'module':
      return createModuleRunner(parsed, baseDir);
    case 'command':
      return createCommandRunner(parsed, baseDir);
    case 'http':
      return createHttpRunner(parsed);
    case 'python':
      return createPythonRunner(parsed, services.python);
  }
}
