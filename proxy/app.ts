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
import { assumeEngine, type ResolvedEngine } from './engine/resolve-engine.ts';
import { TurnDelta } from './token-mode/turn-delta.ts';

export type AppDeps = {
  config: ProxyConfig;
  store: Store;
  logger: Logger;
  adminToken: string;
  now?: () => number;
  /** The engine as detected at start; without it the mode is assumed from the configuration. */
  engine?: ResolvedEngine;
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
  const engineSetup = deps.engine ?? assumeEngine(config.engine);
  const tokenDriver = engineSetup.mode === 'token' ? engineSetup.driver.token : null;
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
    engineSetup,
    turnDelta: tokenDriver === null ? null : new TurnDelta(tokenDriver, config.engine.eosTokenId),
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
