/**
 * A Python function named in a config: `path/to/file.py:function` (relative to the config file)
 * or `package.module:function` (importable from the section's `cwd`). The trainer makes file
 * paths absolute before handing them to `python -m rollcall serve`, which runs in `cwd`.
 */
import { isAbsolute, resolve } from 'node:path';

export type PythonSpec = { target: string; name: string; isFile: boolean };

export const PYTHON_SPEC_HINT = 'must look like "path/to/file.py:function" or "package.module:function"';

export function parsePythonSpec(spec: string): PythonSpec | null {
  const colon = spec.lastIndexOf(':');
  if (colon <= 0) return null;
  const target = spec.slice(0, colon).trim();
  const name = spec.slice(colon + 1).trim();
  if (target === '' || !/^[A-Za-z_]\w*$/.test(name)) return null;
  const isFile = target.endsWith('.py') || target.includes('/');
  if (!isFile && !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(target)) return null;
  return { target, name, isFile };
}

export function isPythonSpec(spec: string): boolean {
  return parsePythonSpec(spec) !== null;
}

/** The spec with its file path made absolute against `baseDir`; a module name stays as it is. */
export function absolutePythonSpec(spec: string, baseDir: string): string {
  const parsed = parsePythonSpec(spec);
  if (parsed === null || !parsed.isFile) return spec;
  const file = isAbsolute(parsed.target) ? parsed.target : resolve(baseDir, parsed.target);
  return `${file}:${parsed.name}`;
}
