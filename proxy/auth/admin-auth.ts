import type { FastifyRequest } from 'fastify';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { secretsEqual } from './rollout-keys.ts';

/**
 * Guards admin routes (onRequest): the admin token as a Bearer header, compared in constant
 * time. A rollout key sent here is told plainly that it is the wrong kind of credential.
 */
export function adminGuard(adminToken: string, isRolloutKey: (key: string) => boolean) {
  return async function checkAdmin(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (token !== undefined && secretsEqual(token, adminToken)) return;
    const other = token ?? (request.headers['x-api-key'] as string | undefined) ?? (request.headers['api-key'] as string | undefined);
    if (other !== undefined && isRolloutKey(other)) throw new RollcallError('RC_ERR_AUTH_ADMIN_REQUIRED');
    throw new RollcallError('RC_ERR_AUTH_ADMIN_INVALID');
  };
}
