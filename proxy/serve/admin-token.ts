import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the admin token came from, and a warning about how it is kept, if any. */
export type AdminTokenSource = { token: string; where: string; warning: string | null };

const MIN_LENGTH = 16;

/** Why a token cannot guard the admin API, in one line; null when it can. */
function tokenProblem(token: string, origin: string): string | null {
  if (/\s/.test(token)) return `the admin token ${origin} contains whitespace; use at least ${MIN_LENGTH} non-space characters (e.g. openssl rand -hex 32)`;
  if (token.length < MIN_LENGTH) return `the admin token ${origin} is ${token.length} characters long; use at least ${MIN_LENGTH} (e.g. openssl rand -hex 32)`;
  return null;
}

function checked(token: string, origin: string): string {
  const problem = tokenProblem(token, origin);
  if (problem !== null) throw new Error(problem);
  return token;
}

/** A token file others can read hands the admin API to every local user. */
function permissionWarning(file: string): string | null {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return null;
  return `admin token file ${file} is readable by group or others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 ${file}`;
}

/**
 * The admin token: from configuration or ROLLCALL_ADMIN_TOKEN when given, else read from the
 * token file (one trailing newline allowed), else generated into that file with owner-only
 * permissions. A token that is whitespace or shorter than 16 characters is refused with one
 * line saying so, wherever it came from. Never logged.
 */
export function resolveAdminToken(configured: string | undefined, file: string): AdminTokenSource {
  if (configured !== undefined) {
    return { token: checked(configured, 'from ROLLCALL_ADMIN_TOKEN or the configuration'), where: 'set by configuration or ROLLCALL_ADMIN_TOKEN', warning: null };
  }
  if (existsSync(file)) {
    const token = checked(readFileSync(file, 'utf8').replace(/\r?\n$/, ''), `in ${file}`);
    return { token, where: `read from ${file}`, warning: permissionWarning(file) };
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { token, where: `generated into ${file} (readable by you only)`, warning: null };
}
