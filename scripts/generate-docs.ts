// Writes the generated references in docs/: error codes and configuration.
import { writeFileSync } from 'node:fs';
import { renderConfigDoc } from '../trainer/config/config-doc.ts';
import { renderErrorsDoc } from '../src/docs/errors-doc.ts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
writeFileSync(new URL('../docs/config.md', import.meta.url), renderConfigDoc());
