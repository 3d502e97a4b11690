/**
 * Runs a workflow served over HTTP: one `POST {url}` per rollout with the JSON body
 * `{ task, baseUrl, apiKey, model, rolloutId, attempt, metadata, auxiliaryModels }` (camelCase,
 * like all of rollcall's own JSON), answered by a 2xx JSON `WorkflowOutput`.
 *
 * The request carries the run's signal, so a timeout or cancel closes the connection; a service
 * that watches for a closed request can stop its agent. Messages name the endpoint by origin and
 * path only: a query string or user-info part may hold a credential.
 */
import type { HttpWorkflowConfig } from './workflow-config.ts';
import { startDeadline, stopMessage } from './run-deadline.ts';
import { validateWorkflowOutput } from './workflow-output.ts';
import { describeThrown, excerpt, failed, startClock, succeeded } from './workflow-result.ts';
import type { WorkflowResult, WorkflowRunInput, WorkflowRunner } from './workflow-types.ts';

type BodyText = { ok: true; text: string } | { ok: false };

/** Reads at most `maxBytes` of the body; a bigger one is cancelled rather than buffered. */
async function readBounded(response: Response, maxBytes: number): Promise<BodyText> {
  if (response.body === null) return { ok: true, text: '' };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { ok: false };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks, size).toString('utf8') };
}

function requestBody(input: WorkflowRunInput): string {
  const { task, baseUrl, apiKey, model, rolloutId, attempt, metadata, auxiliaryModels } = input;
  return JSON.stringify({ task, baseUrl, apiKey, model, rolloutId, attempt, metadata, auxiliaryModels });
}

export function createHttpRunner(config: HttpWorkflowConfig): WorkflowRunner {
  const parsedUrl = new URL(config.url);
  const endpoint = `${parsedUrl.origin}${parsedUrl.pathname}`;

  async function exchange(
    input: WorkflowRunInput,
    signal: AbortSignal,
    startedAt: number,
  ): Promise<WorkflowResult> {
    const response = await fetch(config.url, {
      method: 'POST',
      headers: { ...config.headers, 'content-type': 'application/json', accept: 'application/json' },
      body: requestBody(input),
      signal,
    });
    const body = await readBounded(response, config.maxResponseBytes);
    if (!response.ok) {
      const detail = body.ok && body.text.trim() !== '' ? `: ${excerpt(body.text)}` : '';
      const message = `workflow endpoint ${endpoint} answered HTTP ${response.status}${detail}`;
      return failed('crashed', message, startedAt);
    }
    if (!body.ok) {
      const message = `bad workflow output: response body passed maxResponseBytes (${config.maxResponseBytes})`;
      return failed('bad_output', message, startedAt);
    }
    let value: unknown;
    try {
      value = JSON.parse(body.text);
    } catch {
      const message = `bad workflow output: response body is not JSON: ${excerpt(body.text, 200)}`;
      return failed('bad_output', message, startedAt);
    }
    const validation = validateWorkflowOutput(value);
    if (!validation.ok) return failed('bad_output', validation.message, startedAt);
    return succeeded(validation.output, startedAt);
  }

  async function run(input: WorkflowRunInput): Promise<WorkflowResult> {
    const startedAt = startClock();
    const deadline = startDeadline(config.timeoutMs, input.signal);
    try {
      const early = deadline.stopReason();
      if (early !== null) return failed(early, stopMessage(early, config.timeoutMs), startedAt);
      return await exchange(input, deadline.signal, startedAt);
    } catch (error) {
      // fetch and body reads reject with the abort reason once the deadline fires.
      const why = deadline.stopReason();
      if (why !== null) return failed(why, stopMessage(why, config.timeoutMs), startedAt);
      const message = `workflow endpoint ${endpoint} failed: ${describeThrown(error)}`;
      return failed('crashed', message, startedAt);
    } finally {
      deadline.dispose();
    }
  }

  // Nothing to check without calling the service, and a call would run an agent.
  return { check: async () => ({ ok: true }), run };
}
