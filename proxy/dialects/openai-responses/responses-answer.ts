import { encodeSseEvent } from '../../../src/sse/sse-encoder.ts';
import type { ResponsesStreamEvent } from '../../../src/wire/openai-responses.ts';
import type { ClientAnswer, ClientStream } from '../../pipeline/client-answer.ts';
import { chatReply } from '../chat-reply.ts';
import type { ClientConnection, EventChannel } from '../client-connection.ts';
import { ResponseEvents } from './response-events.ts';
import { outputItems, responseObject, type ResponseHead } from './response-object.ts';

/**
 * The Responses API edge of a call: the pipeline's chat answer as a `response` object, or its
 * stream as the API's semantic events (`event: <type>` lines, no `[DONE]`). After the stream
 * opened, a failure is an `error` event and `response.failed`, and the end of the stream.
 */
export function responsesAnswer(connection: ClientConnection, head: ResponseHead): ClientAnswer {
  return {
    signal: connection.signal,
    sendWhole(answer, lost) {
      const reply = chatReply(answer.completion, answer.capture);
      return connection.sendJson(responseObject(head, reply, outputItems(reply), answer.capture.usage), lost);
    },
    openStream: () => responseStream(connection.openEvents(), head),
    release: () => connection.release(),
  };
}

const encode = (events: readonly ResponsesStreamEvent[]): string => events.map((event) => encodeSseEvent(event.type, event)).join('');

function responseStream(channel: EventChannel, head: ResponseHead): ClientStream {
  const events = new ResponseEvents(head);
  return {
    write: (items) => channel.write(encode(items.flatMap((item) => events.take(item.chunk)))),
    drained: (signal) => channel.drained(signal),
    end({ broken, capture }, lost) {
      if (broken !== null) return channel.end(encode(events.fail(broken)), null);
      channel.end(encode(events.finish(chatReply(capture.response, capture), capture.usage)), lost);
    },
  };
}
