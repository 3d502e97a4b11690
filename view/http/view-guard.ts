import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RollcallError } from '../../src/errors/rollcall-error.ts';

/**
 * Who may read a log view: whoever holds its token — the proxy's admin token under the proxy's
 * `/view`, a token of its own for `rollcall view`. A browser cannot send a Bearer header when it
 * opens a page, so the printed address carries the token once (`?token=`); the view answers with
 * a cookie and a redirect to the same address without it, so the token does not stay in the
 * address bar or history. The cookie holds a hash of the token, not the token: it opens the view
 * and nothing else (under the proxy, not the admin API). Scripts may send the token as a Bearer
 * header instead. Comparisons hash both sides and compare in constant time.
 */

const COOKIE = 'rollcall_view';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
const sameSecret = (given: string, expected: Buffer): boolean => timingSafeEqual(digest(given), expected);
const cookieValue = (token: string): string => createHash('sha256').update(`rollcall-view\0${token}`).digest('base64url');

function cookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

export type ViewGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * The view's onRequest hook. `prefix` is where the view is mounted (`/view`), the cookie's path;
 * `code` is the error a request without the token gets.
 */
export function viewGuard(token: string, prefix: string, code: 'RC_ERR_AUTH_VIEW_INVALID' | 'RC_ERR_AUTH_ADMIN_INVALID'): ViewGuard {
  const tokenDigest = digest(token);
  const cookieDigest = digest(cookieValue(token));
  return async function checkView(request, reply) {
    const url = new URL(request.url, 'http://view');
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && sameSecret(queryToken, tokenDigest)) {
      url.searchParams.delete('token');
      const secure = request.protocol === 'https' ? '; Secure' : '';
      await reply
        .header('set-cookie', `${COOKIE}=${cookieValue(token)}; Path=${prefix}; HttpOnly; SameSite=Strict${secure}`)
        .header('referrer-policy', 'no-referrer')
        .redirect(`${url.pathname}${url.search}`, 303);
      return;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && sameSecret(bearer, tokenDigest)) return;
    const cookie = cookieOf(request);
    if (cookie !== undefined && sameSecret(cookie, cookieDigest)) return;
    throw new RollcallError(code);
  };
}
