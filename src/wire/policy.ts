import { z } from 'zod';

/**
 * The proxy's weight-update window as the trainer drives it: `POST /admin/policy/pause`,
 * `POST /admin/policy/resume`, `GET /admin/policy`. A trainer with several proxies pauses and
 * resumes each of them with these bodies and checks every answer's `version`, so all proxies
 * record the same policy version for the same weights.
 *
 * @example
 * await admin.post('/admin/policy/pause', { drainTimeoutMs: 60_000 } satisfies PausePolicyBody);
 * const status: PolicyStatus = await admin.post('/admin/policy/resume', { version: 3 } satisfies ResumePolicyBody);
 */

export const PausePolicyBodySchema = z.strictObject({
  drainTimeoutMs: z.number().int().positive().optional().describe('How long to wait for the calls in flight; default policy.drainTimeoutMs'),
});

export const ResumePolicyBodySchema = z.strictObject({
  version: z.number().int().min(0).optional().describe('The version to resume at: taken as is when at or above the current one; none, or a lower one, bumps the current by one'),
});

export type PausePolicyBody = z.infer<typeof PausePolicyBodySchema>;
export type ResumePolicyBody = z.infer<typeof ResumePolicyBodySchema>;

/** The answer of all three routes. `pausedAt`: ms since epoch, null while not paused. */
export type PolicyStatus = { version: number; paused: boolean; inFlight: number; waiting: number; pausedAt: number | null };
