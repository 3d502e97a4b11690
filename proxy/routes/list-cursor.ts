import { RollcallError } from '../../src/errors/rollcall-error.ts';

/** An opaque list cursor: the (createdAt, id) of the last rollout of a page. */
export function encodeCursor(last: { createdAt: number; id: string }): string {
  return Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through to the validation error below
  }
  throw new RollcallError('RC_ERR_REQUEST_VALIDATION', { path: 'cursor', detail: 'not a cursor this API returned' }, { param: 'cursor' });
}
