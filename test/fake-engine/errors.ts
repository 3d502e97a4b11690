/**
 * vLLM's error envelope (since v0.10.1, vllm-project/vllm#22099):
 * `{"error": {"message": str, "type": str, "param": str | null, "code": int}}`, where `type` is the
 * HTTP status phrase in CamelCase plus "Error" ("BadRequestError", "NotFoundError",
 * "InternalServerError") and `code` repeats the status.
 */
import { STATUS_CODES } from 'node:http';

export interface VllmErrorInfo {
  message: string;
  type: string;
  param: string | null;
  code: number;
}

export interface VllmErrorBody {
  error: VllmErrorInfo;
}

/** "Bad Request" → "BadRequestError", "Internal Server Error" → "InternalServerError". */
export function errorTypeFor(status: number): string {
  const phrase = STATUS_CODES[status];
  if (phrase === undefined) return 'InternalServerError';
  const name = phrase.replace(/[^A-Za-z0-9]/g, '');
  return name.endsWith('Error') ? name : `${name}Error`;
}

/** An error the fake engine answers with vLLM's body; thrown by validation, caught by routes. */
export class FakeEngineError extends Error {
  readonly type: string;

  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'FakeEngineError';
    this.type = errorTypeFor(status);
  }

  toBody(): VllmErrorBody {
    return errorBody(this.status, this.message, this.param);
  }
}

export function errorBody(status: number, message: string, param: string | null = null): VllmErrorBody {
  return { error: { message, type: errorTypeFor(status), param, code: status } };
}

/** A `VLLMValidationError`/`ValueError`: status 400, naming the offending parameter. */
export function badRequest(message: string, param: string | null = null): FakeEngineError {
  return new FakeEngineError(400, message, param);
}

/** vLLM's `_check_model` answer for a model name it does not serve. */
export function modelNotFound(model: string): FakeEngineError {
  return new FakeEngineError(404, `The model \`${model}\` does not exist.`, 'model');
}
