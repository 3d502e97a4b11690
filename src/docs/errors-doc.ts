import { ERROR_CODES } from '../errors/registry.ts';

/** Renders docs/errors.md from the error registry. */
export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CODES)
    .filter(([, spec]) => !('retired' in spec && spec.retired))
    .map(([code, spec]) => `| \`${code}\` | ${spec.status} | \`${spec.type}\` | ${spec.retryable ? 'yes' : 'no'} | ${spec.message.replace(/\|/g, '\\|')} |`);
  return [
    '# Error codes',
    '',
    'Generated from `src/errors/registry.ts` by `npm run docs`; do not edit by hand.',
    '',
    "Every error reaches clients as OpenAI's body `{\"error\": {\"message\", \"type\", \"param\", \"code\"}}`",
    'with one of these codes. `x-should-retry` carries the retry column. An engine 4xx keeps the',
    "engine's status; `{name}` marks a value filled in per error.",
    '',
    '| code | status | type | retry helps | message |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
