/**
 * Task-reading and environment-service errors as data: a stable code, a message, whether
 * retrying can help, and `cause`.
 *
 * The house rule is that only `src/errors` defines error classes; until these codes are registered
 * there, this module builds plain `Error`s carrying the same fields (as `judge-errors.ts` does), so
 * callers can already branch on `code` and the move to `RollcallError` is mechanical.
 * A retired code is never reused.
 */

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

export type TaskError = Error & {
  readonly code: TaskErrorCode;
  readonly retryable: boolean;
};

const RETRYABLE: ReadonlySet<TaskErrorCode> = new Set(['RC_ERR_ENV_UNREACHABLE', 'RC_ERR_ENV_TIMEOUT']);

export function taskError(
  code: TaskErrorCode,
  message: string,
  options: { cause?: unknown; retryable?: boolean } = {},
): TaskError {
  const error = new Error(message, options.cause === undefined ? undefined : { cause: options.cause });
  error.name = 'TaskError';
  return Object.assign(error, { code, retryable: options.retryable ?? RETRYABLE.has(code) });
}

export function isTaskError(value: unknown): value is TaskError {
  return (
    value instanceof Error &&
    typeof (value as Partial<TaskError>).code === 'string' &&
    (TASK_ERROR_CODES as readonly string[]).includes((value as TaskError).code)
  );
}

/** The message of anything thrown, for wrapping into a clearer error. */
export function describeThrown(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
