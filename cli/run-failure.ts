/**
 * How `train` and `eval` end when they cannot go on: one line that says what failed, one hint
 * that says what to do, the run folder — never a stack trace on the terminal (the stack goes to
 * `run.log`). The hint is the fix of the error's registry code (`src/errors/remedies.ts`): the
 * error's own code, or the code the proxy logged most while the run's rollouts failed.
 */
import { isRollcallError } from '../src/errors/rollcall-error.ts';
import { ERROR_CODES, type ErrorCode } from '../src/errors/registry.ts';
import { remedyOf } from '../src/errors/remedies.ts';
import { TooManyFailuresError } from '../trainer/orchestrator/run-step.ts';
import type { RunLog } from '../trainer/run/run-log.ts';

/** A failure the CLI found itself (a dead engine at start, every rollout failing), with its hint. */
export class CommandFailure extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'CommandFailure';
  }
}

const isCode = (code: string): code is ErrorCode => code in ERROR_CODES;

/** `{ fix }` from the error's registry code, or nothing. */
export function remedyText(error: unknown): { fix?: string } {
  return isRollcallError(error) ? { fix: remedyOf(error.code).fix } : {};
}

/** The fix for what the proxy logged most, when it logged a registry code. */
export function hintFromProxyLog(runLog: RunLog | undefined): string | undefined {
  const top = runLog?.errorCodes()[0];
  if (top === undefined || !isCode(top[0])) return undefined;
  return `the engine calls failed with ${top[0]} (${top[1]}×): ${remedyOf(top[0]).fix}`;
}

/** The fix for the first registry code the step's most frequent failure reason names (a proxy of `proxy.urls` that went down, say). */
function hintFromReasons(reasons: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const code = top === undefined ? undefined : /\bRC_ERR_[A-Z_]+/.exec(top)?.[0];
  return code !== undefined && isCode(code) ? `the rollouts failed with ${code}: ${remedyOf(code).fix}` : undefined;
}

export type FailureReport = { line: string; hint?: string };

/** The one line and the hint a failed run ends with. */
export function describeFailure(error: unknown, runLog?: RunLog): FailureReport {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0] ?? message;
  if (error instanceof CommandFailure) return { line, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  if (isRollcallError(error)) return { line, hint: remedyOf(error.code).fix };
  const hint = error instanceof TooManyFailuresError ? (hintFromProxyLog(runLog) ?? hintFromReasons(error.reasons) ?? 'run.log holds each failure; rollcall doctor --conf FILE checks the set-up') : undefined;
  return { line, ...(hint === undefined ? {} : { hint }) };
}

/** Writes the report to stderr and the whole error (with its stack) to the run log. */
export function reportFailure(command: string, error: unknown, where: { runLog?: RunLog; runDir?: string }): void {
  const report = describeFailure(error, where.runLog);
  where.runLog?.line(`${command} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  where.runLog?.flush();
  const lines = [`rollcall ${command}: ${report.line}`];
  if (report.hint !== undefined) lines.push(`  hint: ${report.hint}`);
  if (where.runDir !== undefined) lines.push(`  run folder: ${where.runDir} (run.log has the details)`);
  process.stderr.write(`\n${lines.join('\n')}\n`);
}
