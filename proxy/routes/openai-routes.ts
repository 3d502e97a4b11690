import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ChatRequestSchema } from '../../src/wire/openai-chat.ts';
import { parseJsonText, validate } from '../../src/wire/validate.ts';
import { extractKey } from '../auth/rollout-keys.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import { serveChatCall } from '../pipeline/serve-chat-call.ts';
import { engineStatusError } from '../upstream/map-upstream-error.ts';
import { openAiChatAnswer } from './openai-chat-answer.ts';

type KeyParams = { key?: string };

/**
 * The OpenAI surface for rollout keys. Registered twice: at `/v1/...` (key in a header) and
 * at `/r/<key>/v1/...` for clients that can only set a base URL.
 */
export function openAiRoutes(contexts: ReadonlyMap<string, EngineContext>) {
  return async function register(app: FastifyInstance): Promise<void> {
    const authenticate = (request: FastifyRequest<{ Params: KeyParams }>) => {
      const rollout = [...contexts.values()][0]!.registry.authenticate(extractKey(request.headers, request.params.key));
      const ctx = contexts.get(rollout.record.engine);
      if (ctx === undefined) throw new Error(`rollout ${rollout.record.id} names unknown engine ${rollout.record.engine}`);
      return { rollout, ctx };
    };

    app.post<{ Params: KeyParams; Body: string }>('/v1/chat/completions', async (request, reply) => {
      const { rollout, ctx } = authenticate(request);
      const text = typeof request.body === 'string' ? request.body : '';
      const body = validate(ChatRequestSchema, parseJsonText(text));
      await serveChatCall(ctx, { rollout, request: body, requestJson: text, client: openAiChatAnswer(reply) });
      return reply;
    });

    app.get<{ Params: KeyParams }>('/v1/models', async (request, reply) => {
      const { rollout, ctx } = authenticate(request);
      const response = await ctx.replicas.request(rollout, { method: 'GET', path: '/v1/models' });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw engineStatusError(response.statusCode, text);
      return reply.code(200).header('content-type', 'application/json').send(text);
    });
  };
}
