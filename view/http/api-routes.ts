import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { validate } from '../../src/wire/validate.ts';
import { rolloutDetail } from '../data/rollout-detail.ts';
import { runDetail, runSummary, stepPage, stepSummaries } from '../data/run-data.ts';
import { MAX_PAGE_TOKENS, tokenOverview, tokenPage } from '../data/sample-tokens.ts';
import { StepQuerySchema } from '../data/step-query.ts';
import type { RunCatalog } from '../sources/run-catalog.ts';

/** The view's JSON API (view/api/view-wire.ts); every route only reads. */

type RunParams = { run: string };
type RolloutParams = RunParams & { id: string };
type SampleParams = RolloutParams & { sample: string };

const StepParamSchema = z.union([z.literal('none'), z.coerce.number().int().min(0)]);
const TokenQuerySchema = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_TOKENS).default(2048),
});

export function apiRoutes(catalog: RunCatalog) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get('/api/runs', async () => catalog.list().map(runSummary));

    app.get<{ Params: RunParams }>('/api/runs/:run', async (request) => runDetail(catalog.get(request.params.run)));

    app.get<{ Params: RunParams }>('/api/runs/:run/steps', async (request) => stepSummaries(catalog.get(request.params.run)));

    app.get<{ Params: RunParams & { step: string } }>('/api/runs/:run/steps/:step/rollouts', async (request) => {
      const step = validate(StepParamSchema, request.params.step, 'step');
      const query = validate(StepQuerySchema, request.query, 'query');
      return stepPage(catalog.get(request.params.run), step === 'none' ? null : step, query);
    });

    app.get<{ Params: RolloutParams }>('/api/runs/:run/rollouts/:id', async (request) => rolloutDetail(catalog.get(request.params.run), request.params.id));

    app.get<{ Params: SampleParams }>('/api/runs/:run/rollouts/:id/samples/:sample/overview', async (request) =>
      tokenOverview(catalog.get(request.params.run), request.params.id, request.params.sample),
    );

    app.get<{ Params: SampleParams }>('/api/runs/:run/rollouts/:id/samples/:sample/tokens', async (request) => {
      const { offset, limit } = validate(TokenQuerySchema, request.query, 'query');
      return tokenPage(catalog.get(request.params.run), request.params.id, request.params.sample, offset, limit);
    });
  };
}
