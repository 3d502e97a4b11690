import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE_DIR = join(ROOT, 'examples/math-agent');

/**
 * The math agent's example config (examples/math-agent/math-agent.yaml) written into `dir` with
 * absolute task and workflow paths and the given sections merged over the example's, for tests
 * that run `rollcall train` on it.
 */
export function writeMathAgentConfig(dir: string, overrides: { workflowModule?: string; schedule?: Record<string, unknown>; rollout?: Record<string, unknown>; tasks?: Record<string, unknown> } = {}): string {
  const config = parse(readFileSync(join(EXAMPLE_DIR, 'math-agent.yaml'), 'utf8')) as Record<string, any>;
  for (const split of ['train', 'validation']) config.tasks[split].path = resolve(EXAMPLE_DIR, config.tasks[split].path);
  const [modulePath, exported] = String(config.workflow.module).split('#');
  config.workflow.module = overrides.workflowModule ?? `${resolve(EXAMPLE_DIR, modulePath as string)}#${exported}`;
  config.schedule = { ...config.schedule, ...overrides.schedule };
  config.rollout = { ...config.rollout, ...overrides.rollout };
  config.tasks = { ...config.tasks, ...overrides.tasks };
  const file = join(dir, 'math-agent.yaml');
  writeFileSync(file, stringify(config));
  return file;
}
