import type { z } from 'zod';
import { RollcallError } from '../errors/rollcall-error.ts';

/** Parses request text as JSON or fails with RC_ERR_REQUEST_INVALID_JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new RollcallError('RC_ERR_REQUEST_INVALID_JSON', { detail: (cause as Error).message }, { cause });
  }
}

/** An admin body that may be empty: empty text is `{}`, anything else must be JSON. */
export function parseOptionalJson(raw: unknown): unknown {
  return typeof raw === 'string' && raw.trim() !== '' ? parseJsonText(raw) : {};
}

/** Validates at a boundary; the first problem's path becomes OpenAI's `param`. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, root = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? root : issue.path.map(String).join('.');
  const detail = result.error.issues
    .map((i) => `${i.path.length === 0 ? root : i.path.map(String).join('.')}: ${i.message}`)
    .join('; ');
  throw new RollcallError('RC_ERR_REQUEST_VALIDATION', { path, detail }, { param: path, cause: result.error });
}
