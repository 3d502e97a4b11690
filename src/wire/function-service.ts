import { z } from 'zod';

/**
 * The HTTP contract between the trainer and a service that runs workflow and judge functions: the
 * trainer's `http` and `python` workflow runners and `http`/`python` judges on one side;
 * `rollcall.serve` (adapters/python/rollcall/, which mirrors these shapes in `wire.py`) or any
 * service of the user's on the other. rollcall's own JSON, so camelCase.
 *
 * | route | body | answer |
 * |---|---|---|
 * | `POST /workflow` | `WorkflowRequest` | `200` `WorkflowOutput` |
 * | `POST /judge` | `JudgeRequest` | `200` `JudgeResponse` |
 * | `GET /stats` | — | `200` `ServiceStats` |
 *
 * One request is one rollout (or one judgement); a service runs many at once. The trainer sends
 * the run's time limit in the `x-rollcall-timeout-ms` header and waits `SERVICE_ANSWER_GRACE_MS`
 * longer, so a service that honours the limit answers first, with a `timeout` error that holds
 * the stack of where the function hung. Any failure is a non-2xx answer with a
 * `ServiceErrorBody`; its `traceback` goes to the run log. A service started by the trainer
 * prints one `ServeReady` line on stdout once it listens.
 *
 * @example
 * // POST /workflow  (x-rollcall-timeout-ms: 300000)
 * // {"task":{"id":"gsm8k-7","index":7,"query":"What is 6 * 3?","referenceAnswer":"18","metadata":{}},
 * //  "baseUrl":"http://127.0.0.1:8787/v1","apiKey":"rk-…","model":"policy","rolloutId":"ro_…",
 * //  "attempt":0,"metadata":{"step":1},"auxiliaryModels":{}}
 * // → 200 {"response":"… \\boxed{18}","metrics":{"agent/turns":2}}
 * // → 500 {"error":{"type":"raised","message":"ZeroDivisionError: division by zero","traceback":"Traceback …"}}
 */

export const SERVICE_ROUTES = { workflow: '/workflow', judge: '/judge', stats: '/stats' } as const;

/** The header carrying the run's time limit in milliseconds. */
export const TIMEOUT_HEADER = 'x-rollcall-timeout-ms';

/** How much longer than its time limit the trainer waits for a service's own answer. */
export const SERVICE_ANSWER_GRACE_MS = 2_000;

const metadataSchema = z.record(z.string(), z.unknown());

export const ServiceTaskSchema = z.strictObject({
  id: z.string(),
  index: z.number().int().min(0),
  query: z.string(),
  referenceAnswer: z.string().optional(),
  metadata: metadataSchema,
});

export const AuxiliaryModelWireSchema = z.strictObject({
  baseUrl: z.string(),
  apiKey: z.string(),
  model: z.string(),
});

export const WorkflowRequestSchema = z.strictObject({
  task: ServiceTaskSchema,
  baseUrl: z.string().describe('The proxy\'s OpenAI-compatible base URL, ending in /v1'),
  apiKey: z.string().describe('The rollout\'s key'),
  model: z.string(),
  rolloutId: z.string(),
  attempt: z.number().int().min(0),
  metadata: metadataSchema,
  auxiliaryModels: z.record(z.string(), AuxiliaryModelWireSchema),
});

const OUTPUT_FIELDS = {
  response: z.string().optional().describe('The agent\'s whole final message'),
  finalAnswer: z.string().optional().describe('The extracted answer; judges prefer it'),
  reward: z.number().optional().describe('A reward the workflow computed itself'),
  metadata: metadataSchema.optional().describe('Kept with the rollout'),
  metrics: z.record(z.string().min(1), z.number()).optional().describe('Numbers averaged into the step metrics'),
};

/** The output keys, for hints when a key is misspelt (`final_answer`). */
export const WORKFLOW_OUTPUT_KEYS = Object.keys(OUTPUT_FIELDS) as (keyof typeof OUTPUT_FIELDS)[];

function dropNullFields(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
}

/**
 * What a workflow returns, the same for every runner. Strict (a misspelt `finalanswer` would be
 * dropped and the judge would grade nothing); needs one of `response`, `finalAnswer`, `reward`
 * (`{}` is always a workflow bug); a top-level `null` means "not given" (Python's `None`); numbers
 * are finite (zod 4 rejects NaN and ±Infinity: one NaN reward poisons its whole group).
 */
export const WorkflowOutputSchema = z.preprocess(
  dropNullFields,
  z
    .strictObject(OUTPUT_FIELDS)
    .refine(
      (output) => output.response !== undefined || output.finalAnswer !== undefined || output.reward !== undefined,
      'needs at least one of "response", "finalAnswer", "reward"',
    ),
);

export const JudgeCallWireSchema = z.strictObject({
  seq: z.number().int(),
  completionText: z.string(),
  toolCalls: z.array(z.strictObject({ name: z.string(), arguments: z.string() })),
  flags: z.strictObject({ malformedToolCall: z.boolean().optional() }),
  finishReason: z.string().nullable(),
});

export const JudgeRequestSchema = z.strictObject({
  task: ServiceTaskSchema.extend({ index: ServiceTaskSchema.shape.index.optional() }),
  output: WorkflowOutputSchema,
  context: z.strictObject({
    calls: z.array(JudgeCallWireSchema).describe('The rollout\'s completed calls, in order'),
    auxiliaryModels: z.record(z.string(), AuxiliaryModelWireSchema),
  }),
});

export const JudgeResponseSchema = z.strictObject({
  reward: z.number(),
  isSuccess: z.boolean(),
  metrics: z.record(z.string().min(1), z.number()),
});

export const SERVICE_ERROR_TYPES = ['raised', 'timeout', 'bad_output', 'bad_request', 'not_served', 'cancelled'] as const;
export type ServiceErrorType = (typeof SERVICE_ERROR_TYPES)[number];

export const ServiceErrorBodySchema = z.object({
  error: z.object({
    type: z.enum(SERVICE_ERROR_TYPES),
    message: z.string(),
    traceback: z.string().optional().describe('Where the function raised, or where it was when its time ran out'),
  }),
});

const FunctionStatsSchema = z.strictObject({
  calls: z.number().int().min(0),
  failed: z.number().int().min(0),
  inFlight: z.number().int().min(0),
  maxInFlight: z.number().int().min(0).describe('Most calls running at once since the start'),
});

/** `null` for a function the service does not serve. */
export const ServiceStatsSchema = z.strictObject({
  workflow: FunctionStatsSchema.nullable(),
  judge: FunctionStatsSchema.nullable(),
});

/** The one stdout line of a service started by the trainer, once it listens. */
export const ServeReadySchema = z.strictObject({
  rollcallServe: z.literal(1).describe('Protocol version'),
  url: z.url(),
  workflow: z.string().nullable().describe('The workflow function served, as its module spec'),
  judge: z.string().nullable(),
  pid: z.number().int(),
});

export type WorkflowRequest = z.infer<typeof WorkflowRequestSchema>;
export type JudgeRequest = z.infer<typeof JudgeRequestSchema>;
export type JudgeResponse = z.infer<typeof JudgeResponseSchema>;
export type ServiceErrorBody = z.infer<typeof ServiceErrorBodySchema>;
export type ServiceStats = z.infer<typeof ServiceStatsSchema>;
export type ServeReady = z.infer<typeof ServeReadySchema>;
