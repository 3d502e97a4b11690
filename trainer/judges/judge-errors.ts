/**
 * Judge errors as data: a stable code, a message and whether retrying can help.
 *
 * The house rule is that only `src/errors` defines error classes; until the judge codes are
 * registered there, this module builds plain `Error`s carrying the same fields (`code`,
 * `retryable`, `cause`) so callers can already branch on `code` and the move is mechanical.
 * A retired code is never reused.
 */

export const JUDGE_ERROR_CODES = [
  'RC_ERR_JUDGE_NO_REFERENCE',
  'RC_ERR_JUDGE_LLM_NO_MODEL',
  'RC_ERR_JUDGE_LLM_UNAVAILABLE',
  'RC_ERR_JUDGE_LLM_REJECTED',
  'RC_ERR_JUDGE_LLM_BAD_RESPONSE',
  'RC_ERR_JUDGE_MODULE_SPEC',
  'RC_ERR_JUDGE_MODULE_NOT_FOUND',
  'RC_ERR_JUDGE_MODULE_LOAD',
  'RC_ERR_JUDGE_EXPORT_MISSING',
  'RC_ERR_JUDGE_EXPORT_NOT_FUNCTION',
  'RC_ERR_JUDGE_EXPORT_SIGNATURE',
  'RC_ERR_JUDGE_BAD_RESULT',
] as const;

export type JudgeErrorCode = (typeof JUDGE_ERROR_CODES)[number];

export type JudgeError = Error & {
  readonly code: JudgeErrorCode;
  readonly retryable: boolean;
};

const RETRYABLE: ReadonlySet<JudgeErrorCode> = new Set(['RC_ERR_JUDGE_LLM_UNAVAILABLE']);

export function judgeError(code: JudgeErrorCode, message: string, cause?: unknown): JudgeError {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.name = 'JudgeError';
  return Object.assign(error, { code, retryable: RETRYABLE.has(code) });
}

export function isJudgeError(value: unknown): value is JudgeError {
  return (
    value instanceof Error &&
    typeof (value as Partial<JudgeError>).code === 'string' &&
    (JUDGE_ERROR_CODES as readonly string[]).includes((value as JudgeError).code)
  );
}
