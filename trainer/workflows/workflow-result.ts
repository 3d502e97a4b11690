/**
 * Builders of `WorkflowResult`s, so every runner measures duration the same way (monotonic clock,
 * whole run including loading and process start) and leaves out an empty `stderr`.
 */
import { performance } from 'node:perf_hooks';
import type { WorkflowOutput } from '../judges/judge-types.ts';
import type { WorkflowFailureReason, WorkflowResult } from './workflow-types.ts';

/** A start time for `succeeded`/`failed`. */
export function startClock(): number {
  return performance.now();
}

function elapsedMs(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}

export function succeeded(output: WorkflowOutput, startedAt: number, stderr?: string): WorkflowResult {
  const result: WorkflowResult = { ok: true, output, durationMs: elapsedMs(startedAt) };
  if (stderr !== undefined && stderr !== '') result.stderr = stderr;
  return result;
}

export function failed(
  reason: WorkflowFailureReason,
  message: string,
  startedAt: number,
  stderr?: string,
): WorkflowResult {
  const result: WorkflowResult = { ok: false, reason, message, durationMs: elapsedMs(startedAt) };
  if (stderr !== undefined && stderr !== '') result.stderr = stderr;
  return result;
}

/** A thrown value as one line: `TypeError: x is undefined`, or the value itself if not an Error. */
export function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return `threw ${String(error)}`;
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
  const name = error.name === 'Error' ? '' : `${error.name}: `;
  return `${name}${error.message}${cause}`;
}

/** Shortens `text` to its first `maxChars` characters for a one-line message. */
export function excerpt(text: string, maxChars = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= maxChars ? flat : `${flat.slice(0, maxChars)}…`;
}
