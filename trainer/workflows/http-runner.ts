/**
 * Runs a workflow served over HTTP: one `POST` per rollout with a `WorkflowRequest` body
 * (`src/wire/function-service.ts`), answered by a 2xx JSON `WorkflowOutput`. The same runner
 * serves `type: http` (a service at a URL) and `type: python` (the trainer's own Python service).
 *
 * The service is told the run's limit (`x-rollcall-timeout-ms`) and given
 * `SERVICE_ANSWER_GRACE_MS` more to answer with its own timeout report, which names where the
 * function hung; past that the request is aborted, as it is on cancel, and a service that watches
 * for a closed request can stop its agent. An error answer in the contract's shape keeps its
 * traceback as the result's `stderr` (the run log). Messages name a URL by origin and path only:
 * a query string or user-info part may hold a credential.
 */
import { SERVICE_ANSWER_GRACE_MS, type ServiceErrorBody } from '../../src/wire/function-service.ts';
import { callService, type ServiceAnswer } from '../function-service/service-client.ts';
import type { HttpWorkflowConfig } from './workflow-config.ts';
import { startDeadline, stopMessage } from './run-deadline.ts';
import { validateWorkflowOutput } from './workflow-output.ts';
import { describeThrown, excerpt, failed, startClock, succeeded } from './workflow-result.ts';
import type { WorkflowCheck, WorkflowResult, WorkflowRunInput, WorkflowRunner } from './workflow-types.ts';

/** A workflow service as a runner sees it. */
export type ServiceEndpoint = {
  url: string;
  headers: Readonly<Record<string, string>>;
  maxResponseBytes: number;
  timeoutMs: number;
  /** Names the service in messages: `workflow endpoint http://host/path`, `python workflow agent.py:run`. */
  label: string;
  /** Why the service is gone (its process exited), or null while it runs; see `PythonHost`. */
  goneReason?: (waitMs?: number) => Promise<string | null>;
  check?: () => Promise<WorkflowCheck>;
};

/** After a failed connection, how long to wait for a service process's exit to name the cause. */
const GONE_WAIT_MS = 5_000;

function requestBody(input: WorkflowRunInput): string {
  const { task, baseUrl, apiKey, model, rolloutId, attempt, metadata, auxiliaryModels } = input;
  return JSON.stringify({ task, baseUrl, apiKey, model, rolloutId, attempt, metadata, auxiliaryModels });
}

function functionFailure(label: string, error: ServiceErrorBody['error'], startedAt: number): WorkflowResult {
  const traceback = error.traceback;
  switch (error.type) {
    case 'raised':
      return failed('crashed', `${label} raised ${error.message}`, startedAt, traceback);
    case 'timeout':
      return failed('timeout', error.message, startedAt, traceback);
    case 'bad_output':
      return failed('bad_output', `bad workflow output: ${error.message}`, startedAt, traceback);
    case 'cancelled':
      return failed('cancelled', error.message, startedAt, traceback);
    case 'bad_request':
    case 'not_served':
      return failed('crashed', `${label} refused the request (${error.type}): ${error.message}`, startedAt);
  }
}

function classify(endpoint: ServiceEndpoint, answer: ServiceAnswer, startedAt: number): WorkflowResult {
  switch (answer.kind) {
    case 'function_error':
      return functionFailure(endpoint.label, answer.error, startedAt);
    case 'http_error': {
      const detail = answer.text.trim() !== '' ? `: ${excerpt(answer.text)}` : '';
      return failed('crashed', `${endpoint.label} answered HTTP ${answer.status}${detail}`, startedAt);
    }
    case 'too_large':
      return failed('bad_output', `bad workflow output: response body passed maxResponseBytes (${endpoint.maxResponseBytes})`, startedAt);
    case 'not_json':
      return failed('bad_output', `bad workflow output: response body is not JSON: ${excerpt(answer.text, 200)}`, startedAt);
    case 'ok': {
      const validation = validateWorkflowOutput(answer.value);
      if (!validation.ok) return failed('bad_output', validation.message, startedAt);
      return succeeded(validation.output, startedAt);
    }
  }
}

export function createServiceRunner(endpoint: ServiceEndpoint): WorkflowRunner {
  async function run(input: WorkflowRunInput): Promise<WorkflowResult> {
    const startedAt = startClock();
    const deadline = startDeadline(endpoint.timeoutMs + SERVICE_ANSWER_GRACE_MS, input.signal);
    try {
      const early = deadline.stopReason();
      if (early !== null) return failed(early, stopMessage(early, endpoint.timeoutMs), startedAt);
      const gone = (await endpoint.goneReason?.()) ?? null;
      if (gone !== null) return failed('crashed', gone, startedAt);
      const answer = await callService({ ...endpoint, body: requestBody(input), signal: deadline.signal });
      return classify(endpoint, answer, startedAt);
    } catch (error) {
      // fetch and body reads reject with the abort reason once the deadline fires.
      const why = deadline.stopReason();
      if (why !== null) return failed(why, stopMessage(why, endpoint.timeoutMs), startedAt);
      const gone = (await endpoint.goneReason?.(GONE_WAIT_MS)) ?? null;
      return failed('crashed', gone ?? `${endpoint.label} failed: ${describeThrown(error)}`, startedAt);
    } finally {
      deadline.dispose();
    }
  }
  return { check: endpoint.check ?? (async () => ({ ok: true })), run };
}

export function createHttpRunner(config: HttpWorkflowConfig): WorkflowRunner {
  const parsedUrl = new URL(config.url);
  // Nothing to check without calling the service, and a call would run an agent.
  return createServiceRunner({ ...config, label: `workflow endpoint ${parsedUrl.origin}${parsedUrl.pathname}` });
}
