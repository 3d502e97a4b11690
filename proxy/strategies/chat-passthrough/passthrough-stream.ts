import type { ChatRequest, WireChatChunk } from '../../../src/wire/openai-chat.ts';
import type { CallCapture } from '../../capture/call-capture.ts';
import type { ChatStreamEvent, StreamEnd, StreamReader } from '../call-strategy.ts';
import type { PromptIdsFinder } from './prompt-ids.ts';

/**
 * A streamed pass-through answer: each engine event goes to the client byte for byte and a
 * decoded copy builds the record. The proxy always asks the engine for usage (the rollout's token
 * budget counts it), and SGLang sends its ids in a chunk of their own; such chunks with no choice
 * reach the client only when it asked for usage, and then only the one carrying it. A client that
 * reads `chunk.choices[0]` never meets an empty `choices` it did not ask for.
 */
export class PassthroughStream implements StreamReader {
  private readonly wantsUsage: boolean;

  constructor(
    private readonly capture: { push(payload: unknown): void; result(): CallCapture },
    request: ChatRequest,
    private readonly findPromptIds: PromptIdsFinder,
  ) {
    this.wantsUsage = request.stream_options?.include_usage === true;
  }

  push(payload: Record<string, unknown>, raw: Buffer): ChatStreamEvent[] {
    this.capture.push(payload);
    const noChoice = Array.isArray(payload.choices) && payload.choices.length === 0;
    if (noChoice && !(this.wantsUsage && payload.usage !== undefined && payload.usage !== null)) return [];
    return [{ chunk: payload as WireChatChunk, raw }];
  }

  async finish(clean: boolean): Promise<StreamEnd> {
    const captured = this.capture.result();
    const { capture, reason } = clean ? await this.findPromptIds(captured) : { capture: captured, reason: null };
    return { capture, flags: {}, reason, broken: null, tail: [] };
  }
}
