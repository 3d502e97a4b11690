import type { WireChatChunk, WireChatCompletion, WireLogprob } from '../../../src/wire/openai-chat.ts';
import type { CallCapture } from '../../capture/call-capture.ts';
import { captureChatCompletion } from '../../capture/chat-completion-capture.ts';
import { ChatStreamCapture } from '../../capture/chat-stream-capture.ts';
import { isRecord } from '../engine-json.ts';

/**
 * llama.cpp is the one engine whose chat logprobs carry token ids: `logprobs.content[i].id`
 * (since the logprobs rework, ggml-org/llama.cpp#10783). Prompt ids are never returned: the
 * capture leaves them null and `completePromptIds` rebuilds them (prompt-ids.ts).
 *
 * Streaming: a step's logprobs ride on the last chunk that step emits, and a step that emits no
 * delta (the EOS, tool-call text the parser holds back) sends no chunk, so its id and logprob
 * are lost (`to_json_oaicompat_chat` in `server-task.cpp`). The capture keeps what arrived;
 * the invariant check then finds fewer ids than `usage.completion_tokens` and records the call
 * as not trainable, with that reason.
 */

type ChoiceWithLogprobs = { index?: unknown; logprobs?: { content?: WireLogprob[] | null } | null };

/** The ids of logprob entries; null when any entry lacks one (a build before #10783). */
export function idsOfEntries(entries: readonly WireLogprob[] | null | undefined): number[] | null {
  const ids: number[] = [];
  for (const entry of Array.isArray(entries) ? entries : []) {
    if (!isRecord(entry) || !Number.isInteger(entry.id)) return null;
    ids.push(entry.id as number);
  }
  return ids;
}

const choicesOf = (body: unknown): ChoiceWithLogprobs[] => {
  const choices = isRecord(body) && Array.isArray(body.choices) ? body.choices : [];
  return choices.filter(isRecord) as ChoiceWithLogprobs[];
};

export function captureLlamacppChat(body: unknown): CallCapture {
  const base = captureChatCompletion((isRecord(body) ? body : {}) as WireChatCompletion);
  const raw = choicesOf(body);
  return {
    ...base,
    promptIds: null,
    choices: base.choices.map((choice, position) => ({ ...choice, completionIds: idsOfEntries(raw[position]?.logprobs?.content) ?? [] })),
  };
}

export class LlamacppChatStreamCapture {
  private readonly inner = new ChatStreamCapture();
  private readonly ids = new Map<number, number[] | null>();

  push(payload: unknown): void {
    for (const choice of choicesOf(payload)) {
      if (typeof choice.index !== 'number') continue;
      const entries = choice.logprobs?.content;
      if (entries === undefined || entries === null) continue;
      const seen = this.ids.has(choice.index) ? (this.ids.get(choice.index) ?? null) : [];
      const fresh = idsOfEntries(entries);
      if (seen !== null && fresh !== null) seen.push(...fresh);
      this.ids.set(choice.index, fresh === null ? null : seen);
    }
    this.inner.push((isRecord(payload) ? payload : {}) as WireChatChunk);
  }

  result(): CallCapture {
    const base = this.inner.result();
    return { ...base, promptIds: null, choices: base.choices.map((choice) => ({ ...choice, completionIds: this.ids.get(choice.index) ?? [] })) };
  }
}
