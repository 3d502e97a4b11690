import type { FastifyInstance } from 'fastify';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';

/** `GET /health` (no auth, for load balancers and HEALTHCHECK) and `GET /metrics`. */
export function healthRoutes(metrics: ProxyMetrics) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get('/health', async () => ({ status: 'ok' }));
    app.get('/metrics', async (_request, reply) =>
      reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
    );
  };
}
