import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ProxyConfig } from '../src/config/proxy-config.ts';
import type { Logger } from '../src/logging/logger.ts';
import type { Store } from '../src/store/store.ts';
import { checkpointWal } from '../src/store/open-database.ts';
import { adminGuard } from './auth/admin-auth.ts';
import { hashKey } from './auth/rollout-keys.ts';
import { answerClientError } from './http/client-errors.ts';
import { installErrorHandling } from './http/error-handler.ts';
import { installRequestBodyReading } from './http/request-body.ts';
import { ShutdownDrain } from './http/shutdown-drain.ts';
import { ProxyMetrics } from './metrics/proxy-metrics.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { anthropicRoutes } from './routes/anthropic-routes.ts';
import { openAiRoutes } from './routes/openai-routes.ts';
import { responsesRoutes } from './routes/responses-routes.ts';
import { policyRoutes } from './routes/policy-routes.ts';
import { viewRoute } from './routes/view-route.ts';
import { PolicyGate } from './policy/policy-gate.ts';
import { RolloutRegistry } from './rollouts/rollout-registry.ts';
import type { ResolvedEngine } from './engine/resolve-engine.ts';
import { createEngineContext, POLICY_ENGINE, type EngineContext, type EngineSetup } from './engine/engine-context.ts';

export type AppDeps = {
  config: ProxyConfig;
  store: Store;
  logger: Logger;
  adminToken: string;
  now?: () => number;
  /** Engines as detected at start, by name; one not given (or not detected) is detected once a replica is healthy. */
  engines?: Record<string, ResolvedEngine>;
};

export type ProxyApp = {
  app: FastifyInstance;
  registry: RolloutRegistry;
  metrics: ProxyMetrics;
  policy: PolicyGate;
  /** Graceful shutdown: run before `app.close()` (http/shutdown-drain.ts). */
  drain: ShutdownDrain;
};

/** Builds the proxy without listening: the entry point listens, tests inject or listen on port 0. */
export function buildApp(deps: AppDeps): ProxyApp {
  const { config, store, logger } = deps;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request log lines cost more than the proxy itself; failures are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.maxBodyBytes,
    keepAliveTimeout: 75_000,
    forceCloseConnections: true,
    clientErrorHandler(this: FastifyInstance, error, socket) {
      answerClientError(error, socket as Socket, this.server.headersTimeout);
    },
  });
  installRequestBodyReading(app, config);
  installErrorHandling(app, config.maxBodyBytes);

  const registry = new RolloutRegistry(store, config.rolloutDefaults, Object.keys(config.auxiliaryEngines), deps.now);
  const policy = new PolicyGate({ maxWaitMs: config.policy.pauseMaxWaitMs });
  const contexts = new Map<string, EngineContext>();
  const metrics = new ProxyMetrics({
    openRollouts: () => registry.countOpen(),
    inFlight: () => policy.status().inFlight,
    policyVersion: () => policy.currentVersion,
    replicas: () => [...contexts.values()].flatMap((c) => c.replicas.state()),
  });
  const drain = new ShutdownDrain();
  app.addHook('onRequest', drain.onRequest);
  const shared = { store, registry, metrics, logger, limits: { maxChoicesPerCall: config.maxChoicesPerCall }, stopping: drain.signal };
  const closers: (() => Promise<void>)[] = [];
  const setups: EngineSetup[] = [
    { name: POLICY_ENGINE, config: config.engine, resolved: deps.engines?.[POLICY_ENGINE], policy },
    // Weight updates of the policy never pause auxiliary engines such as an LLM judge.
    ...Object.entries(config.auxiliaryEngines).map(([name, engine]) => ({ name, config: engine, resolved: deps.engines?.[name], policy: new PolicyGate({ maxWaitMs: 1 }) })),
  ];
  for (const setup of setups) {
    const { ctx, close } = createEngineContext(setup, shared);
    contexts.set(setup.name, ctx);
    closers.push(close);
  }

  void app.register(healthRoutes(metrics, contexts));
  for (const prefix of ['', '/r/:key']) {
    void app.register(openAiRoutes(contexts), { prefix });
    void app.register(responsesRoutes(contexts), { prefix });
    void app.register(anthropicRoutes(contexts), { prefix });
  }
  void app.register(viewRoute({ store, config, adminToken: deps.adminToken, logger }));
  void app.register(async (admin) => {
    admin.addHook('onRequest', adminGuard(deps.adminToken, (key) => store.rollouts.getByKeyHash(hashKey(key)) !== undefined));
    await admin.register(adminRoutes({ registry, store, publicBaseUrl: config.publicBaseUrl }));
    await admin.register(policyRoutes(policy, config.policy.drainTimeoutMs));
  });

  const sweeper = setInterval(() => {
    try {
      registry.expireDue();
      checkpointWal(store.db);
    } catch (error) {
      logger.warn({ err: error }, 'expiring rollouts or checkpointing failed');
    }
  }, 1000);
  sweeper.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    await Promise.all(closers.map((close) => close()));
  });
  return { app, registry, metrics, policy, drain };
}
