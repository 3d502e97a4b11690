import { detailError, hasCode, type RollcallError } from '../../src/errors/rollcall-error.ts';

/** The judges' registry codes (`src/errors/registry.ts`); a judge error is a RollcallError with one. */

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
  'RC_ERR_JUDGE_SERVICE_FAILED',
  'RC_ERR_JUDGE_SERVICE_TIMEOUT',
  'RC_ERR_JUDGE_SERVICE_UNREACHABLE',
] as const;

export type JudgeErrorCode = (typeof JUDGE_ERROR_CODES)[number];

export type JudgeError = RollcallError & { readonly code: JudgeErrorCode };

export const judgeError = (code: JudgeErrorCode, message: string, cause?: unknown): JudgeError => detailError(code, message, { cause });

export function isJudgeError(value: unknown): value is JudgeError {
  return hasCode(value, JUDGE_ERROR_CODES);
}
