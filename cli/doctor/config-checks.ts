/**
 * A trainer configuration as `rollcall doctor --conf` checks it: it loads (every problem on its
 * own line, unknown keys with the nearest valid one), its task sources read, its workflow and
 * judge load, its worker learner answers. Each part is what `rollcall train` does at start, so a
 * clean report means train gets past its start.
 */
import { ConfigError, loadTrainerConfig, type LoadedConfig } from '../../trainer/config/load-trainer-config.ts';
import { buildJudge } from '../../trainer/orchestrator/build-judge.ts';
import { describeTasks, readTasks } from '../../trainer/tasks/read-tasks.ts';
import { createWorkflowRunner } from '../../trainer/workflows/create-runner.ts';
import { remedyText } from '../run-failure.ts';
import type { Check } from './check-report.ts';

const failed = (what: string, error: unknown): Check => ({ status: 'fail', text: `${what}: ${(error as Error).message}`, ...remedyText(error) });

async function taskChecks(loaded: LoadedConfig): Promise<Check[]> {
  const { tasks } = loaded.config;
  const checks: Check[] = [];
  for (const [name, source] of [['train', tasks.train], ['validation', tasks.validation]] as const) {
    if (source === undefined) continue;
    try {
      checks.push({ status: 'ok', text: `${name} tasks: ${describeTasks(await readTasks(source, loaded.baseDir))}` });
    } catch (error) {
      checks.push(failed(`${name} tasks`, error));
    }
  }
  return checks;
}

async function learnerCheck(loaded: LoadedConfig): Promise<Check | null> {
  const { learner } = loaded.config;
  if (learner.type !== 'worker') return null;
  try {
    const response = await fetch(`${learner.url}/health`, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? { status: 'ok', text: `learner: the worker at ${learner.url} answers` } : { status: 'warn', text: `learner: ${learner.url}/health answered HTTP ${response.status}` };
  } catch {
    return { status: 'warn', text: `learner: nothing answers at ${learner.url} yet (train waits for it; eval waits only with --checkpoint)`, fix: 'start it: rollcall worker --model DIR --port 8000, or run with --backbone debug' };
  }
}

/** The checks, and the loaded configuration when it loads (its engines are checked next). */
export async function checkConfig(file: string): Promise<{ checks: Check[]; loaded: LoadedConfig | null }> {
  let loaded: LoadedConfig;
  try {
    loaded = loadTrainerConfig(file);
  } catch (error) {
    if (error instanceof ConfigError) return { checks: error.problems.map((problem) => ({ status: 'fail', text: problem })), loaded: null };
    return { checks: [failed('configuration', error)], loaded: null };
  }
  const checks: Check[] = [{ status: 'ok', text: `valid: project ${loaded.config.project}, experiment ${loaded.config.experiment}, learner ${loaded.config.learner.type}` }];
  checks.push(...(await taskChecks(loaded)));
  try {
    const check = await createWorkflowRunner(loaded.config.workflow, loaded.baseDir).check();
    checks.push(check.ok ? { status: 'ok', text: `workflow: ${loaded.config.workflow.type} loads` } : { status: 'fail', text: `workflow: ${check.message}` });
  } catch (error) {
    checks.push(failed('workflow', error));
  }
  try {
    await buildJudge(loaded.config.judge, loaded.baseDir);
    checks.push({ status: 'ok', text: `judge: ${loaded.config.judge.type} loads` });
  } catch (error) {
    checks.push(failed('judge', error));
  }
  const learner = await learnerCheck(loaded);
  if (learner !== null) checks.push(learner);
  return { checks, loaded };
}
