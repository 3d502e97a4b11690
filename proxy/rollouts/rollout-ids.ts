import { randomBytes } from 'node:crypto';

/** Rollout ids sort by creation time (a millisecond prefix) and carry 64 random bits. */
export function newRolloutId(now: number): string {
  return `ro_${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}
