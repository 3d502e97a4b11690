import { ERROR_CODES, type ErrorCode } from '../errors/registry.ts';
import { ERROR_REMEDIES } from '../errors/remedies.ts';

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** Renders docs/errors.md from the error registry and each code's cause and fix. */
export function renderErrorsDoc(): string {
  const live = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => {
    const spec = ERROR_CODES[code];
    return !('retired' in spec && spec.retired);
  });
  const rows = live.map((code) => {
    const spec = ERROR_CODES[code];
    return `| [\`${code}\`](#${code.toLowerCase()}) | ${spec.status} | \`${spec.type}\` | ${spec.retryable ? 'yes' : 'no'} | ${cell(ERROR_REMEDIES[code].cause)} |`;
  });
  const sections = live.flatMap((code) => {
    const spec = ERROR_CODES[code];
    const remedy = ERROR_REMEDIES[code];
    return [
      `### ${code}`,
      '',
      `HTTP ${spec.status}, type \`${spec.type}\`, retry ${spec.retryable ? 'helps' : 'does not help'}. Message: ${spec.message === '{detail}' ? 'says what failed and where.' : `“${spec.message}”`}`,
      '',
      `- **Cause:** ${remedy.cause}`,
      `- **Fix:** ${remedy.fix}`,
      '',
    ];
  });
  return [
    '# Error codes',
    '',
    'Generated from `src/errors/registry.ts` and `src/errors/remedies.ts` by `npm run docs`; do not edit by hand.',
    '',
    "Every error reaches clients as OpenAI's body `{\"error\": {\"message\", \"type\", \"param\", \"code\"}}`",
    'with one of these codes. `x-should-retry` carries the retry column. An engine 4xx keeps the',
    "engine's status; `{name}` marks a value filled in per error. The CLI prints the fix under a failure.",
    '',
    '| code | status | type | retry helps | cause |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    '## Causes and fixes',
    '',
    ...sections,
  ].join('\n');
}
