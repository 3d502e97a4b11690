import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Rollout keys: 256 random bits, handed out once, stored only as their SHA-256. Lookups go
 * by hash, so timing reveals nothing about the key itself; the final comparison is
 * constant-time anyway.
 */
const KEY_PREFIX = 'rk-';

export function generateRolloutKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(given: string, expected: string): boolean {
  return sameHash(hashKey(given), hashKey(expected));
}

type HeaderBag = Record<string, string | string[] | undefined>;

const header = (headers: HeaderBag, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The key a client sent. The path form `/r/<key>/v1` comes first: clients that can only set a
 * base URL still send an Authorization header, a placeholder their SDK requires (`EMPTY`, an
 * `sk-…` from the environment). Then the Bearer header, then api-key / x-api-key.
 */
export function extractKey(headers: HeaderBag, pathKey: string | undefined): string | undefined {
  if (pathKey !== undefined && pathKey !== '') return pathKey;
  const authorization = header(headers, 'authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  return header(headers, 'api-key') ?? header(headers, 'x-api-key');
}
