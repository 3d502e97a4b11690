import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type AdminTokenSource = { token: string; where: string };

/**
 * The admin token: from configuration or ROLLCALL_ADMIN_TOKEN when given, else read from the
 * token file, else generated into that file with owner-only permissions. Never logged.
 */
export function resolveAdminToken(configured: string | undefined, file: string): AdminTokenSource {
  if (configured !== undefined) return { token: configured, where: 'set by configuration or ROLLCALL_ADMIN_TOKEN' };
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length < 16) throw new Error(`admin token file ${file} holds fewer than 16 characters`);
    return { token, where: `read from ${file}` };
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { token, where: `generated into ${file} (readable by you only)` };
}
