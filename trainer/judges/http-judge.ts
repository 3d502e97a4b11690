/**
 * A judge served over HTTP (`type: http`, or `type: python`: the run's own Python service): one
 * `POST /judge` per finished rollout with a `JudgeRequest` (`src/wire/function-service.ts`),
 * answered by a `JudgeResponse`.
 *
 * A judge's failure fails its rollout (the judge contract), so every failure is thrown as a
 * judge error: the service's own report (a raise with its traceback, a timeout with the stack it
 * hung in) as `RC_ERR_JUDGE_SERVICE_FAILED`/`_TIMEOUT` with the traceback in the message, which is
 * what the run log shows; a refused connection as `_UNREACHABLE` (retryable); an answer that is
 * no verdict as `RC_ERR_JUDGE_BAD_RESULT`. The service gets the limit in `x-rollcall-timeout-ms`
 * and `SERVICE_ANSWER_GRACE_MS` more to answer, as workflow services do.
 */
import { SERVICE_ANSWER_GRACE_MS } from '../../src/wire/function-service.ts';
import { callService, type ServiceAnswer } from '../function-service/service-client.ts';
import { judgeError } from './judge-errors.ts';
import type { Judge, JudgeResult } from './judge-types.ts';
import { validateJudgeResult } from './load-judge.ts';

export type HttpJudgeOptions = {
  url: string;
  headers?: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Names the judge in messages: `judge service http://host/judge`, `python judge judge.py:judge`. */
  label: string;
  /** Why the service is gone (its process exited), or null while it runs; see `PythonHost`. */
  goneReason?: (waitMs?: number) => Promise<string | null>;
};

const MAX_RESPONSE_BYTES = 1024 * 1024;
/** After a failed connection, how long to wait for a service process's exit to name the cause. */
const GONE_WAIT_MS = 5_000;

function verdict(options: HttpJudgeOptions, answer: ServiceAnswer): JudgeResult {
  switch (answer.kind) {
    case 'ok':
      return validateJudgeResult(answer.value, options.label);
    case 'function_error': {
      const { type, message, traceback } = answer.error;
      const detail = `${options.label} ${type === 'raised' ? 'raised ' : ''}${message}${traceback === undefined ? '' : `\n${traceback.trimEnd()}`}`;
      throw judgeError(type === 'timeout' ? 'RC_ERR_JUDGE_SERVICE_TIMEOUT' : 'RC_ERR_JUDGE_SERVICE_FAILED', detail);
    }
    case 'http_error':
      throw judgeError('RC_ERR_JUDGE_SERVICE_FAILED', `${options.label} answered HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
    case 'too_large':
      throw judgeError('RC_ERR_JUDGE_BAD_RESULT', `${options.label} answered more than ${MAX_RESPONSE_BYTES} bytes`);
    case 'not_json':
      throw judgeError('RC_ERR_JUDGE_BAD_RESULT', `${options.label} answered something that is not JSON: ${answer.text.slice(0, 200)}`);
  }
}

export function createHttpJudge(options: HttpJudgeOptions): Judge {
  return async (task, output, context) => {
    const body = JSON.stringify({ task, output, context });
    const signal = AbortSignal.timeout(options.timeoutMs + SERVICE_ANSWER_GRACE_MS);
    let answer: ServiceAnswer;
    try {
      answer = await callService({ url: options.url, headers: options.headers ?? {}, body, timeoutMs: options.timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES, signal });
    } catch (error) {
      if (signal.aborted) throw judgeError('RC_ERR_JUDGE_SERVICE_TIMEOUT', `${options.label} did not answer within ${options.timeoutMs} ms`, error);
      const gone = (await options.goneReason?.(GONE_WAIT_MS)) ?? null;
      throw judgeError('RC_ERR_JUDGE_SERVICE_UNREACHABLE', gone ?? `${options.label} could not be reached: ${(error as Error).message}`, error);
    }
    return verdict(options, answer);
  };
}
