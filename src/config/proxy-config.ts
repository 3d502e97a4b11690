import { z } from 'zod';
import { RolloutLimitsSchema, SamplingPolicySchema } from '../wire/admin.ts';

/** The proxy's configuration section; `rollcall serve` and the trainer's embedded proxy share it. */

export const ENGINE_KINDS = ['vllm', 'sglang', 'llamacpp', 'worker', 'openai'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

export const CALL_MODE_CHOICES = ['auto', 'token', 'chat'] as const;

export const EngineConfigSchema = z.strictObject({
  kind: z.enum(ENGINE_KINDS).default('vllm').describe('Which engine protocol the upstreams speak'),
  mode: z.enum(CALL_MODE_CHOICES).default('auto').describe('token: the proxy renders prompts and generates from token ids (no drift); chat: pass-through; auto: token where the engine allows it'),
  toolParser: z.enum(['hermes', 'qwen3_coder', 'none']).default('hermes').describe('Token mode: the tool-call format the model writes'),
  reasoningParser: z.boolean().default(true).describe('Token mode: split <think>…</think> into the reasoning field'),
  eosTokenId: z.number().int().min(0).optional().describe('Token mode: the id closing an assistant turn; learned from the first completion that stops on it when unset'),
  tokenizerPath: z
    .string()
    .min(1)
    .optional()
    .describe("Token mode: render chat templates locally from this model folder (tokenizer.json + tokenizer_config.json) instead of the engine's /tokenize; required for SGLang token mode"),
  detectAtStart: z
    .boolean()
    .default(true)
    .describe('Probe the engine at start and refuse to start when it cannot serve the mode; off (or with the engine not up yet), it is probed when a replica first passes a health check, and calls get RC_ERR_ENGINE_NOT_READY until then'),
  upstreams: z
    .array(z.url({ protocol: /^https?$/ }))
    .min(1)
    .default(['http://127.0.0.1:8000'])
    .describe('Engine server URLs, up to but not including /v1 (a path prefix such as https://host/api is kept); several are replicas of one policy'),
  apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional().describe('Name of an environment variable holding a key sent as "Authorization: Bearer" to the engine (hosted OpenAI-compatible APIs)'),
  connectTimeoutMs: z.number().int().positive().default(10_000),
  firstByteTimeoutMs: z.number().int().positive().default(600_000).describe('Longest wait for the engine to start answering (queueing included)'),
  bodyTimeoutMs: z.number().int().positive().default(600_000).describe('Longest silence between two pieces of an answer'),
  connectionsPerUpstream: z.number().int().positive().default(4096).describe('At least as many as rollouts in flight'),
  healthCheckIntervalMs: z.number().int().positive().default(5_000).describe('How often each replica is asked GET /health (also the Retry-After of RC_ERR_ENGINE_NOT_READY)'),
  healthCheckTimeoutMs: z.number().int().positive().default(2_000),
});

export const ProxyConfigSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8787),
  publicBaseUrl: z.url().optional().describe('Base URL handed to agents; default http://<host>:<port>/v1'),
  dbPath: z.string().default('.rollcall/rollcall.db').describe('SQLite file; ":memory:" keeps nothing'),
  adminToken: z.string().optional().describe('Admin token (at least 16 characters, no whitespace); prefer ROLLCALL_ADMIN_TOKEN or a file'),
  adminTokenFile: z.string().default('.rollcall/admin-token').describe('Read from, or generated into (mode 0600), when no token is given'),
  maxBodyBytes: z.number().int().positive().default(32 * 1024 * 1024),
  requestBodyTimeoutMs: z.number().int().positive().default(60_000).describe('Longest time a client may take to send a request body (408 RC_ERR_REQUEST_TIMEOUT after it)'),
  maxJsonDepth: z.number().int().min(2).default(64).describe('Deepest nesting of arrays and objects a request body may have (400 RC_ERR_REQUEST_TOO_DEEP beyond it)'),
  maxChoicesPerCall: z.number().int().positive().default(64).describe('Largest n (choices) one call may ask for; above it the call is a 400 naming n'),
  listenBacklog: z.number().int().positive().default(4096).describe("Pending-connection queue of the listening socket (the kernel caps it at net.core.somaxconn)"),
  shutdownGraceMs: z
    .number()
    .int()
    .min(0)
    .default(30_000)
    .describe('On SIGTERM/SIGINT: how long calls in flight may finish before their streams end with RC_ERR_SERVER_SHUTTING_DOWN and they are recorded aborted (reason "shutdown")'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  engine: EngineConfigSchema.prefault({}).describe('The engine serving the trained policy'),
  auxiliaryEngines: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]*$/), EngineConfigSchema)
    .default({})
    .describe('Other models agents or judges call through the proxy (e.g. an LLM judge, kind openai); never trainable'),
  policy: z
    .strictObject({
      pauseMaxWaitMs: z.number().int().positive().default(60_000).describe('How long a call waits out a pause before a 429 with Retry-After'),
      drainTimeoutMs: z.number().int().positive().default(300_000).describe('Default wait for in-flight calls when pausing'),
    })
    .prefault({}),
  rolloutDefaults: z
    .strictObject({
      limits: RolloutLimitsSchema.default({ maxCalls: 256, ttlMs: 3_600_000 }),
      sampling: SamplingPolicySchema.default({ temperature: 1, topP: 1 }),
    })
    .prefault({})
    .describe('Limits and sampling a new rollout gets for what its creation does not set'),
});

export type EngineConfig = z.infer<typeof EngineConfigSchema>;
export type ProxyConfig = z.infer<typeof ProxyConfigSchema>;
