// Writes the generated references in docs/ (errors, configuration).
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/docs/errors-doc.ts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
