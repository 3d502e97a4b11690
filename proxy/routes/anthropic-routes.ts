import type { FastifyInstance } from 'fastify';
import { AnthropicCountTokensRequestSchema, AnthropicRequestSchema, type AnthropicTokenCount } from '../../src/wire/anthropic-messages.ts';
import { parseJsonText, validate } from '../../src/wire/validate.ts';
import { anthropicAnswer } from '../dialects/anthropic-messages/anthropic-answer.ts';
import { anthropicErrorBody } from '../dialects/anthropic-messages/anthropic-errors.ts';
import { newMessageId } from '../dialects/anthropic-messages/anthropic-message.ts';
import { anthropicChatRequest, anthropicCountRequest } from '../dialects/anthropic-messages/anthropic-request.ts';
import { watchClient } from '../dialects/client-connection.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import { countPromptTokens } from '../pipeline/count-prompt-tokens.ts';
import { serveChatCall } from '../pipeline/serve-chat-call.ts';
import { rolloutAuth } from './rollout-auth.ts';

const bodyText = (body: unknown): string => (typeof body === 'string' ? body : '');

/** Every error of these routes, the key's included, comes in the Messages API's shape. */
const ANTHROPIC = { config: { errorBody: anthropicErrorBody } };

/**
 * The Anthropic Messages surface for rollout keys (`x-api-key`, the SDK's default, or Bearer),
 * at `/v1/messages` and under `/r/<key>`. A call is translated into a chat request once, here,
 * and runs the one call pipeline.
 */
export function anthropicRoutes(contexts: ReadonlyMap<string, EngineContext>) {
  return async function register(app: FastifyInstance): Promise<void> {
    const auth = rolloutAuth(contexts);
    app.addHook('onRequest', auth.onRequest);

    app.post<{ Body: string }>('/v1/messages', ANTHROPIC, async (request, reply) => {
      const { rollout, ctx } = auth.target(request);
      const text = bodyText(request.body);
      const body = validate(AnthropicRequestSchema, parseJsonText(text));
      const chat = anthropicChatRequest(body, rollout.conversation);
      const head = { id: newMessageId(), stopSequences: body.stop_sequences ?? [] };
      const client = anthropicAnswer(watchClient(reply), head);
      await serveChatCall(ctx, { rollout, request: chat, requestJson: text, client, dialect: { name: 'anthropic-messages', answerId: head.id } });
      return reply;
    });

    app.post<{ Body: string }>('/v1/messages/count_tokens', ANTHROPIC, async (request, reply) => {
      const { rollout, ctx } = auth.target(request);
      const body = validate(AnthropicCountTokensRequestSchema, parseJsonText(bodyText(request.body)));
      const chat = anthropicCountRequest(body, rollout.conversation);
      const connection = watchClient(reply);
      try {
        const count: AnthropicTokenCount = { input_tokens: await countPromptTokens(ctx, rollout, chat, connection.signal) };
        return await reply.code(200).send(count);
      } finally {
        connection.release();
      }
    });
  };
}
