import type { WireChatChunk } from '../../../src/wire/openai-chat.ts';
import type { CallCapture } from '../../capture/call-capture.ts';
import { ChatStreamCapture } from '../../capture/chat-stream-capture.ts';
import { isRecord } from '../engine-json.ts';
import { readSglext, stopReasonOf, type SglextIds } from './chat-capture.ts';

/**
 * A streamed SGLang chat completion. Text, tool calls, logprob values, finish reasons and usage
 * are rebuilt like any OpenAI stream; the ids arrive once, in a final chunk with `choices: []`
 * and `sglext: {input_ids, output_ids}` (sgl-project/sglang#34488). With the header
 * `x-sglext-ids-framed: 1` that chunk is sent as `event: sglext_ids`; its data is the same JSON,
 * so the payload alone is enough and the event name is not needed. A stream without that chunk
 * (a build that ignored the flags) leaves the prompt ids null: the call is recorded untrainable.
 */
export class SglangChatStreamCapture {
  private readonly inner = new ChatStreamCapture();
  private ids: SglextIds = { inputIds: null, outputIds: null };
  private readonly matched = new Map<number, string | null>();

  push(payload: unknown): void {
    if (!isRecord(payload)) return;
    if (payload.sglext !== undefined) {
      const ids = readSglext(payload.sglext);
      this.ids = { inputIds: ids.inputIds ?? this.ids.inputIds, outputIds: ids.outputIds ?? this.ids.outputIds };
    }
    for (const choice of Array.isArray(payload.choices) ? payload.choices : []) {
      if (isRecord(choice) && typeof choice.index === 'number' && choice.matched_stop !== undefined) this.matched.set(choice.index, stopReasonOf(choice.matched_stop));
    }
    this.inner.push(payload as WireChatChunk);
  }

  result(): CallCapture {
    const base = this.inner.result();
    const outputs = this.ids.outputIds;
    return {
      ...base,
      promptIds: this.ids.inputIds,
      choices: base.choices.map((choice) => ({
        ...choice,
        completionIds: outputs?.[choice.index] ?? [],
        stopReason: this.matched.get(choice.index) ?? null,
      })),
    };
  }
}
