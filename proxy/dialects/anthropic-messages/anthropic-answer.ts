import { encodeSseEvent } from '../../../src/sse/sse-encoder.ts';
import type { AnthropicStreamEvent } from '../../../src/wire/anthropic-messages.ts';
import type { ClientAnswer, ClientStream } from '../../pipeline/client-answer.ts';
import { chatReply } from '../chat-reply.ts';
import type { ClientConnection, EventChannel } from '../client-connection.ts';
import { anthropicErrorBody } from './anthropic-errors.ts';
import { MessageEvents } from './anthropic-events.ts';
import { anthropicMessage, type MessageHead } from './anthropic-message.ts';

/**
 * The Messages API edge of a call: the pipeline's chat answer as an Anthropic message, or its
 * stream as the API's events (`event: <type>` lines, which the SDK needs). After the stream opened,
 * a failure is one `error` event and the end of the stream, without `message_stop`.
 */
export function anthropicAnswer(connection: ClientConnection, head: MessageHead): ClientAnswer {
  return {
    signal: connection.signal,
    sendWhole: (answer, lost) => connection.sendJson(anthropicMessage(head, chatReply(answer.completion, answer.capture), answer.capture.usage), lost),
    openStream: () => messageStream(connection.openEvents(), head),
    release: () => connection.release(),
  };
}

const encode = (events: readonly AnthropicStreamEvent[]): string => events.map((event) => encodeSseEvent(event.type, event)).join('');

function messageStream(channel: EventChannel, head: MessageHead): ClientStream {
  const events = new MessageEvents(head);
  return {
    write: (items) => channel.write(encode(items.flatMap((item) => events.take(item.chunk)))),
    drained: (signal) => channel.drained(signal),
    end({ broken, capture }, lost) {
      if (broken !== null) return channel.end(encode([anthropicErrorBody(broken)]), null);
      channel.end(encode(events.finish(chatReply(capture.response, capture), capture.usage)), lost);
    },
  };
}
