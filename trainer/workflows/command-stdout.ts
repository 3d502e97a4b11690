/**
 * Reading a command workflow's answer from its stdout.
 *
 * Agents print: progress lines, library banners, a `print()` left in while debugging. So the
 * answer is the LAST non-empty line of stdout, parsed as JSON, and everything before it is
 * ignored. So that pretty-printed output (`json.dumps(out, indent=2)`) also works, the whole of
 * stdout is tried as one JSON document first. Either way the value is then validated as a
 * `WorkflowOutput` by the caller.
 */
import { excerpt } from './workflow-result.ts';

export type StdoutJson = { ok: true; value: unknown } | { ok: false; message: string };

function tryParse(text: string): { value: unknown } | null {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return null; // not JSON; the caller tries the next reading or reports the text
  }
}

export function readStdoutJson(stdout: string): StdoutJson {
  const whole = stdout.trim();
  if (whole === '') {
    return { ok: false, message: 'bad workflow output: stdout is empty; print the output as one JSON line' };
  }
  const asWhole = tryParse(whole);
  if (asWhole !== null) return { ok: true, value: asWhole.value };

  const lines = whole.split(/\r?\n/);
  const last = (lines[lines.length - 1] ?? '').trim();
  const asLast = tryParse(last);
  if (asLast !== null) return { ok: true, value: asLast.value };
  return {
    ok: false,
    message: `bad workflow output: the last line of stdout is not JSON: ${excerpt(last, 200)}`,
  };
}
