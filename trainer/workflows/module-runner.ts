/**
 * Runs an in-process workflow module. The module is imported once per runner (the first `check`
 * or `run`) and the promise cached, so a thousand concurrent rollouts share one import.
 *
 * A promise cannot be killed: on timeout or cancel the runner aborts the workflow's `signal`,
 * stops waiting and reports the run; the workflow's own work goes on until it honours the signal.
 * Its late settlement is caught so it cannot become an unhandled rejection that kills the trainer.
 * A synchronous endless loop blocks the whole trainer; untrusted or heavy agents belong in the
 * command runner, which runs them in their own process.
 */
import type { ModuleWorkflowConfig } from './workflow-config.ts';
import { loadWorkflowModule, type LoadedWorkflow } from './load-workflow-module.ts';
import { startDeadline, stopMessage, type StopReason } from './run-deadline.ts';
import { validateWorkflowOutput } from './workflow-output.ts';
import { describeThrown, failed, startClock, succeeded } from './workflow-result.ts';
import type {
  Workflow,
  WorkflowInput,
  WorkflowResult,
  WorkflowRunInput,
  WorkflowRunner,
} from './workflow-types.ts';

type Settled = { kind: 'returned'; value: unknown } | { kind: 'threw'; error: unknown };
type Stopped = { kind: 'stopped'; why: StopReason };

/** Calls the workflow so that a synchronous throw and a late rejection are both captured. */
function invoke(workflow: Workflow, input: WorkflowInput): Promise<Settled> {
  return Promise.resolve()
    .then(() => workflow(input))
    .then(
      (value): Settled => ({ kind: 'returned', value }),
      (error: unknown): Settled => ({ kind: 'threw', error }),
    );
}

/** A module's output must survive JSON: the trainer stores it and sends it to judges. */
function findUnserializable(value: unknown): string | null {
  try {
    JSON.stringify(value);
    return null;
  } catch (error) {
    return `bad workflow output: not JSON-serialisable (${describeThrown(error)})`;
  }
}

export function createModuleRunner(config: ModuleWorkflowConfig, baseDir: string): WorkflowRunner {
  let loading: Promise<LoadedWorkflow> | undefined;
  const load = (): Promise<LoadedWorkflow> => {
    loading ??= loadWorkflowModule(config.module, baseDir);
    return loading;
  };

  async function run(request: WorkflowRunInput): Promise<WorkflowResult> {
    const startedAt = startClock();
    const deadline = startDeadline(config.timeoutMs, request.signal);
    const stopped = deadline.stopped.then((why): Stopped => ({ kind: 'stopped', why }));
    try {
      // The first import can itself hang (top-level await), so it races the deadline too.
      const loaded = await Promise.race([load(), stopped]);
      if ('kind' in loaded) return failed(loaded.why, stopMessage(loaded.why, config.timeoutMs), startedAt);
      if (!loaded.ok) return failed('crashed', loaded.message, startedAt);
      // An already-cancelled run must not start the workflow at all.
      const early = deadline.stopReason();
      if (early !== null) return failed(early, stopMessage(early, config.timeoutMs), startedAt);

      const input: WorkflowInput = { ...request, signal: deadline.signal };
      const waited = await Promise.race([invoke(loaded.workflow, input), stopped]);
      switch (waited.kind) {
        case 'stopped':
          return failed(waited.why, stopMessage(waited.why, config.timeoutMs), startedAt);
        case 'threw': {
          // No process stderr here; the stack is what the run log needs to find the failing line.
          const stack = waited.error instanceof Error ? waited.error.stack : undefined;
          return failed('crashed', describeThrown(waited.error), startedAt, stack);
        }
        case 'returned': {
          const validation = validateWorkflowOutput(waited.value);
          if (!validation.ok) return failed('bad_output', validation.message, startedAt);
          const unserializable = findUnserializable(validation.output);
          if (unserializable !== null) return failed('bad_output', unserializable, startedAt);
          return succeeded(validation.output, startedAt);
        }
      }
    } finally {
      deadline.dispose();
    }
  }

  return {
    check: async () => {
      const loaded = await load();
      return loaded.ok ? { ok: true } : { ok: false, message: loaded.message };
    },
    run,
  };
}
