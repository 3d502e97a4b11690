import { ProxyConfigSchema } from '../../src/config/proxy-config.ts';
import { configRows, renderConfigTable } from '../../src/docs/schema-doc.ts';
import { TRAINER_ENV } from './load-trainer-config.ts';
import { TrainerConfigSchema } from './trainer-config.ts';

/** docs/config.md: every key of the trainer YAML and of `rollcall serve --config`, from the schemas. */
export function renderConfigDoc(): string {
  const env = Object.entries(TRAINER_ENV).map(([name, what]) => `- \`${name}\` → ${what}`);
  return [
    '# Configuration',
    '',
    'Generated from the zod schemas (`trainer/config/`, `src/config/proxy-config.ts`) by `npm run docs`; do not edit by hand.',
    'Unknown keys are errors; every key without "(required)" has a default. Paths in a trainer file are relative to the file.',
    '',
    '## Trainer (`rollcall train --conf FILE.yaml`)',
    '',
    'Precedence: file < environment < flags (`--backbone` sets `learner.type`, `--steps` sets `schedule.steps`, `--workflow-url`/`--judge-url` make `workflow`/`judge` an HTTP service at that URL, as `rollcall.tune()` does). Environment:',
    '',
    ...env,
    '',
    renderConfigTable(configRows(TrainerConfigSchema)),
    '',
    '## Proxy (`rollcall serve --config FILE.yaml`)',
    '',
    'The same keys make up the trainer\'s `proxy` section. Flags and `ROLLCALL_*` variables are listed by `rollcall serve --help` and in the README.',
    '',
    renderConfigTable(configRows(ProxyConfigSchema)),
    '',
  ].join('\n');
}
