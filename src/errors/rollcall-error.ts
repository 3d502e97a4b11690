import { ERROR_CODES, type ErrorCode } from './registry.ts';

export type ErrorParams = Record<string, string | number | boolean | null | undefined>;

/** Fills `{name}` placeholders of a message template; unknown names stay visible. */
export function formatMessage(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** The only error class rollcall throws across a boundary: data with a registry code. */
export class RollcallError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly retryable: boolean;
  readonly param: string | null;
  readonly params: ErrorParams;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, params: ErrorParams = {}, options: { cause?: unknown; param?: string | null; status?: number; headers?: Record<string, string>; retryable?: boolean } = {}) {
    const spec = ERROR_CODES[code];
    super(formatMessage(spec.message, params), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RollcallError';
    this.code = code;
    this.status = options.status ?? spec.status;
    this.type = spec.type;
    this.retryable = options.retryable ?? spec.retryable;
    this.param = options.param ?? null;
    this.params = params;
    this.headers = options.headers ?? {};
  }

  /** OpenAI's error body: `{"error": {"message", "type", "param", "code"}}`. */
  toBody(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export type OpenAiErrorBody = {
  error: { message: string; type: string; param: string | null; code: string };
};

export function isRollcallError(value: unknown): value is RollcallError {
  return value instanceof RollcallError;
}

/** True for a RollcallError whose code is one of `codes`. */
export function hasCode<C extends string>(value: unknown, codes: readonly C[]): value is RollcallError & { code: C } {
  return value instanceof RollcallError && (codes as readonly string[]).includes(value.code);
}

/** An error of a code whose whole message is `{detail}` (trainer-side codes build their own text). */
export function detailError<C extends ErrorCode>(code: C, detail: string, options: { cause?: unknown; retryable?: boolean } = {}): RollcallError & { readonly code: C } {
  return new RollcallError(code, { detail }, {
    ...(options.cause === undefined ? {} : { cause: options.cause }),
    ...(options.retryable === undefined ? {} : { retryable: options.retryable }),
  }) as RollcallError & { readonly code: C };
}
