import type { FastifyInstance } from 'fastify';
import { ChatRequestSchema } from '../../src/wire/openai-chat.ts';
import { parseJsonText, validate } from '../../src/wire/validate.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import { serveChatCall } from '../pipeline/serve-chat-call.ts';
import { engineStatusError } from '../upstream/map-upstream-error.ts';
import { openAiChatAnswer } from './openai-chat-answer.ts';
import { rolloutAuth } from './rollout-auth.ts';

/**
 * The OpenAI surface for rollout keys. Registered twice: at `/v1/...` (key in a header) and
 * at `/r/<key>/v1/...` for clients that can only set a base URL.
 */
export function openAiRoutes(contexts: ReadonlyMap<string, EngineContext>) {
  return async function register(app: FastifyInstance): Promise<void> {
    const auth = rolloutAuth(contexts);
    app.addHook('onRequest', auth.onRequest);

    app.post<{ Body: string }>('/v1/chat/completions', async (request, reply) => {
      const { rollout, ctx } = auth.target(request);
      const text = typeof request.body === 'string' ? request.body : '';
      const body = validate(ChatRequestSchema, parseJsonText(text));
      await serveChatCall(ctx, { rollout, request: body, requestJson: text, client: openAiChatAnswer(reply) });
      return reply;
    });

    app.get('/v1/models', async (request, reply) => {
      const { rollout, ctx } = auth.target(request);
      const response = await ctx.replicas.request(rollout, { method: 'GET', path: '/v1/models' });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw engineStatusError(response.statusCode, text, response.headers);
      return reply.code(200).header('content-type', 'application/json').send(text);
    });
  };
}
