/**
 * Runs a `type: python` workflow: a Python function served by the run's one Python process
 * (`function-service/python-host.ts`), called over HTTP like any workflow service. The process
 * is started once, before the first rollout, by whoever builds the run (it may serve the judge
 * too), and handed in here; many rollouts run in it at once.
 */
import { SERVICE_ROUTES } from '../../src/wire/function-service.ts';
import type { PythonHost } from '../function-service/python-host.ts';
import { createServiceRunner } from './http-runner.ts';
import type { PythonWorkflowConfig } from './workflow-config.ts';
import type { WorkflowRunner } from './workflow-types.ts';

export function createPythonRunner(config: PythonWorkflowConfig, host: PythonHost | undefined): WorkflowRunner {
  const label = `python workflow ${config.module}`;
  if (host === undefined) {
    const message = `${label}: no Python service was started for it (build the runner with the run's python host)`;
    return { check: async () => ({ ok: false, message }), run: async () => ({ ok: false, reason: 'crashed', message, durationMs: 0 }) };
  }
  return createServiceRunner({
    url: `${host.url}${SERVICE_ROUTES.workflow}`,
    headers: {},
    maxResponseBytes: config.maxResponseBytes,
    timeoutMs: config.timeoutMs,
    label,
    goneReason: (waitMs) => host.goneReason(waitMs),
    check: async () => {
      const gone = await host.goneReason();
      return gone === null ? { ok: true } : { ok: false, message: gone };
    },
  });
}
