import type { RollcallError } from '../../../src/errors/rollcall-error.ts';
import type { AnthropicErrorBody } from '../../../src/wire/anthropic-messages.ts';

/**
 * Errors in the Messages API's shape, `{"type": "error", "error": {"type", "message"}}`, keeping
 * rollcall's HTTP status and adding its registry code as `error.code`. The error `type` is the
 * API's for that status (its errors guide: 400 invalid_request_error, 401 authentication_error,
 * 403 permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error,
 * 500 api_error, 504 timeout_error, overloaded_error when the service cannot take the call).
 */
const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'invalid_request_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  504: 'timeout_error',
};

export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function anthropicErrorBody(error: RollcallError): AnthropicErrorBody {
  return { type: 'error', error: { type: anthropicErrorType(error.status), message: error.message, code: error.code } };
}
