import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../engine/engine-context.ts';
import { POLICY_ENGINE } from '../engine/engine-context.ts';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';

/**
 * No key needed: `GET /health` is liveness (the process answers; for load balancers and
 * HEALTHCHECK), `GET /ready` readiness (200 once the policy engine can serve calls, else 503, with
 * each engine's state: mode, context length, replica health, what is missing), `GET /metrics`.
 */
export function healthRoutes(metrics: ProxyMetrics, engines: ReadonlyMap<string, EngineContext>) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get('/health', async () => ({ status: 'ok' }));
    app.get('/ready', async (_request, reply) => {
      const views = Object.fromEntries([...engines].map(([name, engine]) => [name, engine.readiness.view()]));
      const ready = views[POLICY_ENGINE]?.ready === true;
      return reply.code(ready ? 200 : 503).send({ ready, engines: views });
    });
    app.get('/metrics', async (_request, reply) =>
      reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
    );
  };
}
