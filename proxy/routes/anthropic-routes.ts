import type { FastifyInstance } from 'fastify';
import { AnthropicCountTokensRequestSchema, AnthropicRequestSchema, type AnthropicTokenCount } from '../../src/wire/anthropic-messages.ts';
import { parseJsonText, validate } from '../../src/wire/validate.ts';
import { anthropicAnswer } from '../dialects/anthropic-messages/anthropic-answer.ts';
import { anthropicErrorBody } from '../dialects/anthropic-messages/anthropic-errors.ts';
import { newMessageId } from '../dialects/anthropic-messages/anthropic-message.ts';
import { anthropicChatRequest, anthropicCountRequest } from '../dialects/anthropic-messages/anthropic-request.ts';
import { watchClient } from '../dialects/client-connection.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import { setErrorRendering } from '../http/error-handler.ts';
import { countPromptTokens } from '../pipeline/count-prompt-tokens.ts';
import { serveChatCall } from '../pipeline/serve-chat-call.ts';
import { rolloutAuth, type KeyParams } from './rollout-auth.ts';

const bodyText = (body: unknown): string => (typeof body === 'string' ? body : '');

/**
 * The Anthropic Messages surface for rollout keys (`x-api-key`, the SDK's default, or Bearer),
 * at `/v1/messages` and under `/r/<key>`. Its own scope renders every error in the API's shape.
 * A call is translated into a chat request once, here, and runs the one call pipeline.
 */
export function anthropicRoutes(contexts: ReadonlyMap<string, EngineContext>, options: { maxBodyBytes: number }) {
  return async function register(app: FastifyInstance): Promise<void> {
    setErrorRendering(app, options.maxBodyBytes, anthropicErrorBody);
    const authenticate = rolloutAuth(contexts);

    app.post<{ Params: KeyParams; Body: string }>('/v1/messages', async (request, reply) => {
      const { rollout, ctx } = authenticate(request);
      const text = bodyText(request.body);
      const body = validate(AnthropicRequestSchema, parseJsonText(text));
      const chat = anthropicChatRequest(body, rollout.conversation);
      const head = { id: newMessageId(), stopSequences: body.stop_sequences ?? [] };
      const client = anthropicAnswer(watchClient(reply), head);
      await serveChatCall(ctx, { rollout, request: chat, requestJson: text, client, dialect: { name: 'anthropic-messages', answerId: head.id } });
      return reply;
    });

    app.post<{ Params: KeyParams; Body: string }>('/v1/messages/count_tokens', async (request, reply) => {
      const { rollout, ctx } = authenticate(request);
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
