import { detailError, hasCode, type RollcallError } from '../../src/errors/rollcall-error.ts';

/** Task-reading and env-service registry codes; a task error is a RollcallError with one. */

export const TASK_ERROR_CODES = [
  'RC_ERR_TASKS_NOT_FOUND',
  'RC_ERR_TASKS_BAD_JSON',
  'RC_ERR_TASKS_BAD_ROW',
  'RC_ERR_TASKS_DUPLICATE_ID',
  'RC_ERR_TASKS_SPLIT_NOT_FOUND',
  'RC_ERR_TASKS_UNREADABLE',
  'RC_ERR_TASKS_EMPTY',
  'RC_ERR_ENV_UNREACHABLE',
  'RC_ERR_ENV_TIMEOUT',
  'RC_ERR_ENV_FAILED',
  'RC_ERR_ENV_BAD_RESPONSE',
] as const;

export type TaskErrorCode = (typeof TASK_ERROR_CODES)[number];

export type TaskError = RollcallError & { readonly code: TaskErrorCode };

/** `retryable` overrides the registry where an env service's answer says better (429, 503). */
export const taskError = (code: TaskErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}): TaskError => detailError(code, message, options);

export function isTaskError(value: unknown): value is TaskError {
  return hasCode(value, TASK_ERROR_CODES);
}

/** The message of anything thrown, for wrapping into a clearer error. */
export function describeThrown(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
