/**
 * Fault injection for the generation endpoints (`/v1/chat/completions`, `/v1/completions`).
 *
 * - `latencyMs`: wait before handling the request at all.
 * - `firstByteDelayMs`: streaming — headers go out, then a wait before the first chunk (as a
 *   Starlette `StreamingResponse` does); non-streaming — a wait before the headers.
 * - `errorStatus` (+ `errorMessage`): answer with vLLM's error body and that status.
 * - `disconnectAfterTokens`: streaming — destroy the socket once N generated tokens were sent;
 *   non-streaming — destroy it instead of answering.
 * - `tokenDelayMs`: pause between stream chunks.
 * - `errorEventAfterTokens`: streaming — after N tokens send `data: {"error": …}` and `data: [DONE]`
 *   on the already-200 stream, like vLLM does for an engine failure mid-generation.
 * - `dropChoices`: answer N fewer choices than `n` asked for (the last ones), streamed or not, with
 *   usage counting only what was sent, as an engine that lost sequences would.
 * - `retryAfterS`: with `errorStatus`, a `Retry-After` header of that many seconds (a 429 or 503).
 * - `corrupt`: answers that break the protocol in one named way (corruptions.ts).
 * - `times`: apply the faults to the next N generation requests only, then clear them (retries).
 */
import { CORRUPTIONS, type Corruption } from './corruptions.ts';
import { badRequest } from './errors.ts';

export interface Faults {
  latencyMs: number;
  firstByteDelayMs: number;
  errorStatus: number | null;
  errorMessage: string | null;
  disconnectAfterTokens: number | null;
  tokenDelayMs: number;
  errorEventAfterTokens: number | null;
  dropChoices: number | null;
  retryAfterS: number | null;
  corrupt: Corruption | null;
  times: number | null;
}

export const NO_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  firstByteDelayMs: 0,
  errorStatus: null,
  errorMessage: null,
  disconnectAfterTokens: null,
  tokenDelayMs: 0,
  errorEventAfterTokens: null,
  dropChoices: null,
  retryAfterS: null,
  corrupt: null,
  times: null,
});

const MILLISECONDS = ['latencyMs', 'firstByteDelayMs', 'tokenDelayMs'] as const;
const COUNTS = ['disconnectAfterTokens', 'errorEventAfterTokens', 'dropChoices', 'retryAfterS', 'times'] as const;

function isNonNegativeInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Validates a partial fault set (from code or `POST /fake/faults`) and merges it over `base`. */
export function mergeFaults(base: Readonly<Faults>, patch: unknown): Faults {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw badRequest('faults must be an object', 'faults');
  }
  const input = patch as Record<string, unknown>;
  const merged: Faults = { ...base };
  for (const key of Object.keys(input)) {
    if (!(key in NO_FAULTS)) throw badRequest(`unknown fault '${key}'`, key);
  }
  for (const key of MILLISECONDS) {
    const value = input[key];
    if (value === undefined) continue;
    if (!isNonNegativeInt(value)) throw badRequest(`${key} must be a non-negative integer`, key);
    merged[key] = value;
  }
  for (const key of COUNTS) {
    const value = input[key];
    if (value === undefined) continue;
    if (value !== null && !isNonNegativeInt(value)) throw badRequest(`${key} must be a non-negative integer or null`, key);
    merged[key] = value;
  }
  const status = input['errorStatus'];
  if (status !== undefined) {
    if (status !== null && !(isNonNegativeInt(status) && status >= 400 && status <= 599)) {
      throw badRequest('errorStatus must be an HTTP error status (400–599) or null', 'errorStatus');
    }
    merged.errorStatus = status;
  }
  const corrupt = input['corrupt'];
  if (corrupt !== undefined) {
    if (corrupt !== null && !(CORRUPTIONS as readonly unknown[]).includes(corrupt)) throw badRequest(`corrupt must be one of ${CORRUPTIONS.join(', ')} or null`, 'corrupt');
    merged.corrupt = corrupt as Corruption | null;
  }
  const message = input['errorMessage'];
  if (message !== undefined) {
    if (message !== null && typeof message !== 'string') throw badRequest('errorMessage must be a string or null', 'errorMessage');
    merged.errorMessage = message;
  }
  return merged;
}

/** The engine's current faults, with the `times` countdown. */
export class FaultState {
  #faults: Readonly<Faults> = NO_FAULTS;

  get current(): Readonly<Faults> {
    return this.#faults;
  }

  set(patch: unknown): void {
    this.#faults = Object.freeze(mergeFaults(this.#faults, patch));
  }

  clear(): void {
    this.#faults = NO_FAULTS;
  }

  /** The faults one generation request runs under; counts it against `times`. */
  take(): Readonly<Faults> {
    const faults = this.#faults;
    if (faults.times !== null) {
      if (faults.times <= 1) this.clear();
      else this.#faults = Object.freeze({ ...faults, times: faults.times - 1 });
      if (faults.times === 0) return NO_FAULTS;
    }
    return faults;
  }
}
