/** One finding of `rollcall doctor`: fine, worth knowing, or in the way (with what to do). */
export type Check = { status: 'ok' | 'warn' | 'fail'; text: string; fix?: string };

export type CheckSection = { title: string; checks: Check[] };

const LABEL = { ok: 'ok     ', warn: 'warning', fail: 'PROBLEM' } as const;

/** The report as printed: a heading per section, one line per check, the fix indented under it. */
export function renderReport(sections: readonly CheckSection[]): string {
  const lines: string[] = [];
  for (const section of sections) {
    lines.push(section.title);
    for (const check of section.checks) {
      lines.push(`  ${LABEL[check.status]}  ${check.text}`);
      if (check.fix !== undefined && check.status !== 'ok') lines.push(`           fix: ${check.fix}`);
    }
  }
  const problems = sections.flatMap((s) => s.checks).filter((c) => c.status === 'fail').length;
  const warnings = sections.flatMap((s) => s.checks).filter((c) => c.status === 'warn').length;
  lines.push(problems === 0 ? `no problems${warnings === 0 ? '' : ` (${warnings} warning${warnings === 1 ? '' : 's'})`}` : `${problems} problem${problems === 1 ? '' : 's'} to fix`);
  return `${lines.join('\n')}\n`;
}
