/**
 * One exchange with a workflow/judge service (`src/wire/function-service.ts`): POST the JSON body
 * with the run's time limit in `x-rollcall-timeout-ms`, read at most `maxResponseBytes` of the
 * answer, and classify it. The caller owns the deadline (it passes `signal`) and turns the
 * answer into its own outcome: a workflow result or a judge verdict.
 */
import { ServiceErrorBodySchema, TIMEOUT_HEADER, type ServiceErrorBody } from '../../src/wire/function-service.ts';

export type ServiceCall = {
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  /** The function's own limit, sent to the service; the caller waits a grace period longer. */
  timeoutMs: number;
  maxResponseBytes: number;
  signal: AbortSignal;
};

export type ServiceAnswer =
  | { kind: 'ok'; value: unknown }
  /** A non-2xx answer in the contract's error shape: the function raised, hung, returned garbage. */
  | { kind: 'function_error'; status: number; error: ServiceErrorBody['error'] }
  /** Any other non-2xx answer: not a rollcall service, or a proxy in between. */
  | { kind: 'http_error'; status: number; text: string }
  | { kind: 'too_large' }
  | { kind: 'not_json'; text: string };

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

function parseJson(text: string): { value: unknown } | null {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return null; // the caller reports the text
  }
}

/** Rejects only for a failed connection or an aborted `signal` (the caller's deadline). */
export async function callService(call: ServiceCall): Promise<ServiceAnswer> {
  const response = await fetch(call.url, {
    method: 'POST',
    headers: {
      ...call.headers,
      'content-type': 'application/json',
      accept: 'application/json',
      [TIMEOUT_HEADER]: String(call.timeoutMs),
    },
    body: call.body,
    signal: call.signal,
  });
  const body = await readBounded(response, call.maxResponseBytes);
  if (!response.ok) {
    const text = body.ok ? body.text : '';
    const json = parseJson(text);
    const error = json === null ? null : ServiceErrorBodySchema.safeParse(json.value);
    if (error?.success === true) return { kind: 'function_error', status: response.status, error: error.data.error };
    return { kind: 'http_error', status: response.status, text };
  }
  if (!body.ok) return { kind: 'too_large' };
  const json = parseJson(body.text);
  return json === null ? { kind: 'not_json', text: body.text } : { kind: 'ok', value: json.value };
}
