import type { FastifyInstance } from 'fastify';
import { ResponsesRequestSchema } from '../../src/wire/openai-responses.ts';
import { parseJsonText, validate } from '../../src/wire/validate.ts';
import { watchClient } from '../dialects/client-connection.ts';
import { previousHistory } from '../dialects/openai-responses/previous-response.ts';
import { newResponseId, responseHead } from '../dialects/openai-responses/response-object.ts';
import { responsesAnswer } from '../dialects/openai-responses/responses-answer.ts';
import { responsesChatRequest } from '../dialects/openai-responses/responses-request.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import { serveChatCall } from '../pipeline/serve-chat-call.ts';
import { rolloutAuth } from './rollout-auth.ts';

/**
 * The OpenAI Responses surface for rollout keys, at `/v1/responses` and under `/r/<key>`; errors
 * keep OpenAI's body. A call is translated into a chat request once, here (after the history of
 * its `previous_response_id`), and runs the one call pipeline.
 */
export function responsesRoutes(contexts: ReadonlyMap<string, EngineContext>) {
  return async function register(app: FastifyInstance): Promise<void> {
    const auth = rolloutAuth(contexts);
    app.addHook('onRequest', auth.onRequest);

    app.post<{ Body: string }>('/v1/responses', async (request, reply) => {
      const { rollout, ctx } = auth.target(request);
      const text = typeof request.body === 'string' ? request.body : '';
      const body = validate(ResponsesRequestSchema, parseJsonText(text));
      const previous = body.previous_response_id == null ? [] : previousHistory(ctx.store.calls, rollout.record.id, body.previous_response_id);
      const chat = responsesChatRequest(body, previous);
      const head = responseHead(newResponseId(), body);
      const client = responsesAnswer(watchClient(reply), head);
      await serveChatCall(ctx, { rollout, request: chat, requestJson: text, client, dialect: { name: 'openai-responses', answerId: head.id } });
      return reply;
    });
  };
}
