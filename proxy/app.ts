import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ProxyConfig } from '../src/config/proxy-config.ts';
import type { Logger } from '../src/logging/logger.ts';
import type { Store } from '../src/store/store.ts';
import { adminGuard } from './auth/admin-auth.ts';
import { hashKey } from './auth/rollout-keys.ts';
import type { CallContext } from './calls/call-context.ts';
import { installErrorHandling, installRawBodyParsing } from './http/error-handler.ts';
import { ProxyMetrics } from './metrics/proxy-metrics.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { openAiRoutes } from './routes/openai-routes.ts';
import { policyRoutes } from './routes/policy-routes.ts';
import { PolicyGate } from './policy/policy-gate.ts';
import { RolloutRegistry } from './rollouts/rollout-registry.ts';
import { EnginePool } from './upstream/engine-pool.ts';
import { ReplicaSet } from './upstream/replica-set.ts';

export type AppDeps = {
  config: ProxyConfig;
  store: Store;
  logger: Logger;
  adminToken: string;
  now?: () => number;
};

export type ProxyApp = { app: FastifyInstance; registry: RolloutRegistry; metrics: ProxyMetrics; policy: PolicyGate };

/** Builds the proxy without listening: the entry point listens, tests inject or listen on port 0. */
export function buildApp(deps: AppDeps): ProxyApp {
  const { config, store, logger } = deps;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    disableRequestLogging: true,
    bodyLimit: config.maxBodyBytes,
    keepAliveTimeout: 75_000,
    forceCloseConnections: true,
  });
  installRawBodyParsing(app);
  installErrorHandling(app, config.maxBodyBytes);

  const registry = new RolloutRegistry(store, config.rolloutDefaults, deps.now);
  const policy = new PolicyGate({ maxWaitMs: config.policy.pauseMaxWaitMs });
  const metrics = new ProxyMetrics({ openRollouts: () => registry.countOpen(), inFlight: () => policy.status().inFlight, policyVersion: () => policy.currentVersion, replicas: () => replicas.state() });
  const engine = new EnginePool(config.engine);
  const replicas = new ReplicaSet(engine, logger, (origin, healthy) => metrics.replicaTransitions.inc({ replica: origin, healthy: String(healthy) }));
  replicas.startHealthChecks(config.engine.healthCheckIntervalMs, config.engine.healthCheckTimeoutMs);
  const ctx: CallContext = {
    store,
    registry,
    engine,
    engineConfig: config.engine,
    engineKind: config.engine.kind,
    metrics,
    logger,
    policy,
    replicas,
  };

  void app.register(healthRoutes(metrics));
  void app.register(openAiRoutes(ctx));
  void app.register(openAiRoutes(ctx), { prefix: '/r/:key' });
  void app.register(async (admin) => {
    admin.addHook('onRequest', adminGuard(deps.adminToken, (key) => store.rollouts.getByKeyHash(hashKey(key)) !== undefined));
    await admin.register(adminRoutes({ registry, store, publicBaseUrl: config.publicBaseUrl }));
    await admin.register(policyRoutes(policy, config.policy.drainTimeoutMs));
  });

  const sweeper = setInterval(() => {
    try {
      registry.expireDue();
    } catch (error) {
      logger.warn({ err: error }, 'expiring rollouts failed');
    }
  }, 1000);
  sweeper.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    replicas.stop();
    await engine.close();
  });
  return { app, registry, metrics, policy };
}
