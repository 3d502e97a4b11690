import type { FastifyInstance } from 'fastify';
import { PausePolicyBodySchema, ResumePolicyBodySchema } from '../../src/wire/policy.ts';
import { parseOptionalJson, validate } from '../../src/wire/validate.ts';
import type { PolicyGate } from '../policy/policy-gate.ts';

/** Weight-update window: pause, drain, bump the version, resume. Admin only. */
export function policyRoutes(policy: PolicyGate, defaultDrainTimeoutMs: number) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get('/admin/policy', async () => policy.status());
    app.post('/admin/policy/pause', async (request) => {
      const body = validate(PausePolicyBodySchema, parseOptionalJson(request.body));
      return policy.pause(body.drainTimeoutMs ?? defaultDrainTimeoutMs);
    });
    app.post('/admin/policy/resume', async (request) => {
      const body = validate(ResumePolicyBodySchema, parseOptionalJson(request.body));
      return policy.resume(body.version);
    });
  };
}
