import type { FastifyInstance } from 'fastify';
import type { RolloutRecord, StoredCall } from '../../src/store/records.ts';
import type { Store } from '../../src/store/store.ts';
import { CreateRolloutBodySchema, FailRolloutBodySchema, FinishRolloutBodySchema, ListRolloutsQuerySchema, type CreatedRollout } from '../../src/wire/admin.ts';
import { parseOptionalJson, validate } from '../../src/wire/validate.ts';
import { expandSent } from '../../src/store/sent-record.ts';
import type { RolloutRegistry } from '../rollouts/rollout-registry.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';
import { buildSamples, SHARED_PREFIX_MODES, toSampleCalls } from '../../src/trajectory/index.ts';
import { z } from 'zod';

const cap = z.coerce.number().int().positive().optional();
const SamplesQuerySchema = z.strictObject({
  maxSamples: cap,
  maxPromptTokens: cap,
  maxTotalTokens: cap,
  maxResponseTokens: cap,
  sharedPrefix: z.enum(SHARED_PREFIX_MODES).optional(),
});

/** `publicBaseUrl` unset: agents get the address the admin client reached this proxy at. */
export type AdminDeps = { registry: RolloutRegistry; store: Store; publicBaseUrl: string | undefined };


/** A call as the admin API shows it: ids and logprobs as JSON arrays. */
export function callView(call: StoredCall) {
  const first = call.choices[0];
  return {
    id: call.id,
    seq: call.seq,
    status: call.status,
    trainable: call.trainable,
    untrainableReason: call.untrainableReason,
    stream: call.isStream,
    promptIds: call.promptIds,
    completionIds: first?.completionIds ?? [],
    logprobs: first?.logprobs ?? [],
    finishReason: first?.finishReason ?? null,
    choices: call.choices,
    policyVersion: call.policyVersion,
    mode: call.mode,
    extendsCallId: call.extendsCallId,
    extendsChoice: call.extendsChoice,
    flags: call.flags,
    dialect: call.dialect,
    answerId: call.answerId,
    request: JSON.parse(call.requestJson) as unknown,
    chatRequest: call.chatRequestJson === null ? null : (JSON.parse(call.chatRequestJson) as unknown),
    sent: expandSent(call.sentJson, call.chatRequestJson ?? call.requestJson, call.promptIds),
    response: call.response,
    usage: call.usage,
    latencyMs: call.latencyMs,
    ttftMs: call.ttftMs,
    engine: call.engine,
    replica: call.replica,
    error: call.error,
    startedAt: call.startedAt,
    endedAt: call.endedAt,
  };
}

export const rolloutView = (record: RolloutRecord) => ({ ...record, rolloutId: record.id });

/** Admin routes: create, close, list and read rollouts with their calls and samples; the admin guard is installed by the caller. */
export function adminRoutes(deps: AdminDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.post('/admin/rollouts', async (request, reply) => {
      const body = validate(CreateRolloutBodySchema, parseOptionalJson(request.body));
      const { record, apiKey } = deps.registry.create(body);
      const baseUrl = deps.publicBaseUrl ?? `${request.protocol}://${request.host}/v1`;
      const created: CreatedRollout = { rolloutId: record.id, apiKey, baseUrl };
      return reply.code(201).send(created);
    });

    app.post<{ Params: { id: string } }>('/admin/rollouts/:id/finish', async (request) => {
      const body = validate(FinishRolloutBodySchema, parseOptionalJson(request.body));
      return rolloutView(deps.registry.finish(request.params.id, body));
    });

    app.post<{ Params: { id: string } }>('/admin/rollouts/:id/fail', async (request) => {
      const body = validate(FailRolloutBodySchema, parseOptionalJson(request.body));
      return rolloutView(deps.registry.fail(request.params.id, body));
    });

    app.post<{ Params: { id: string } }>('/admin/rollouts/:id/cancel', async (request) => rolloutView(deps.registry.cancel(request.params.id)));

    app.get('/admin/rollouts', async (request) => {
      const query = validate(ListRolloutsQuerySchema, request.query, 'query');
      const rollouts = deps.store.rollouts.list({ ...query, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) });
      const last = rollouts.at(-1);
      return {
        rollouts: rollouts.map(rolloutView),
        nextCursor: rollouts.length === query.limit && last !== undefined ? encodeCursor(last) : null,
      };
    });

    app.get<{ Params: { id: string } }>('/admin/rollouts/:id/samples', async (request) => {
      const query = validate(SamplesQuerySchema, request.query, 'query');
      const record = deps.registry.get(request.params.id);
      const built = buildSamples(toSampleCalls(deps.store.calls.listForRollout(record.id)), query);
      return { rolloutId: record.id, status: record.status, reward: record.reward, ...built };
    });

    app.get<{ Params: { id: string } }>('/admin/rollouts/:id', async (request) => {
      const record = deps.registry.get(request.params.id);
      return { ...rolloutView(record), calls: deps.store.calls.listForRollout(record.id).map(callView) };
    });
  };
}
