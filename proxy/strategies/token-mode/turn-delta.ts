import type { ChatMessage } from '../../../src/wire/openai-chat.ts';
import type { Turn } from '../../conversation/conversation-index.ts';
import type { EngineHttp, TokenDriver } from '../../drivers/driver-types.ts';

/**
 * The ids of messages appended after a turn, rendered with the model's own chat template but
 * without re-rendering (and so without changing) the history. Both renders use the same short
 * stand-in history, a user message and an assistant reply:
 *
 *   head = render([user, reply])                       ends "...reply<EOS>"+glue
 *   full = render([user, reply, ...appended], +gen)    same head, then the appended turns
 *
 * The delta is `full` after the reply's EOS, so it starts with the template's glue after an
 * assistant turn (ChatML's "\n") and ends with the generation prompt. The reply's EOS is found
 * by counting EOS tokens (each turn of the stand-in ends with one), not by comparing tokens, since
 * templates such as Qwen3's render the stand-in reply differently once more turns follow it
 * (they drop or add an empty think block). The stand-in keeps the cost independent of the
 * history length.
 */
const STAND_IN: readonly ChatMessage[] = [
  { role: 'user', content: 'Hi.' },
  { role: 'assistant', content: 'Hello.' },
];

export type DeltaResult = { ids: number[]; eosId: number } | { failure: string };

/** The messages appended after a turn, how to render them, and the EOS that closed the turn. */
export type DeltaRequest = {
  http: EngineHttp;
  appended: readonly ChatMessage[];
  tools: unknown;
  kwargs: Record<string, unknown> | undefined;
  eosId: number;
  signal: AbortSignal;
};

export class TurnDelta {
  private readonly heads = new Map<string, Promise<number[]>>();
  /** The model's EOS as seen at the end of a completion that stopped on it. */
  private learnedEos: number | null = null;

  constructor(private readonly driver: TokenDriver, configuredEos: number | undefined) {
    this.learnedEos = configuredEos ?? null;
  }

  private learnFrom(turn: Pick<Turn, 'completionIds' | 'finishReason' | 'stopReason'>): void {
    const last = turn.completionIds.at(-1);
    if (this.learnedEos === null && last !== undefined && turn.finishReason === 'stop' && turn.stopReason == null) this.learnedEos = last;
  }

  /** The EOS closing `turn`, and whether the proxy must insert it (the model did not emit it). */
  eosFor(turn: Turn): { eosId: number; synthetic: boolean } | null {
    this.learnFrom(turn);
    const last = turn.completionIds.at(-1);
    if (turn.finishReason === 'stop' && turn.stopReason == null && last !== undefined) return { eosId: last, synthetic: false };
    return this.learnedEos === null ? null : { eosId: this.learnedEos, synthetic: true };
  }

  async delta(request: DeltaRequest): Promise<DeltaResult> {
    const { http, appended, tools, kwargs, eosId, signal } = request;
    const key = JSON.stringify([tools ?? null, kwargs ?? null]);
    let head = this.heads.get(key);
    if (head === undefined) {
      head = this.driver.render(http, { messages: STAND_IN, tools, addGenerationPrompt: false, chatTemplateKwargs: kwargs }, signal);
      head.catch(() => this.heads.delete(key));
      this.heads.set(key, head);
    }
    const [headIds, fullIds] = await Promise.all([
      head,
      this.driver.render(http, { messages: [...STAND_IN, ...appended], tools, addGenerationPrompt: true, chatTemplateKwargs: kwargs }, signal),
    ]);
    const turnsClosed = headIds.filter((id) => id === eosId).length;
    if (turnsClosed === 0) return { failure: `the template does not close an assistant turn with token ${eosId}` };
    let seen = 0;
    for (let i = 0; i < fullIds.length; i++) {
      if (fullIds[i] === eosId && ++seen === turnsClosed) return { ids: fullIds.slice(i + 1), eosId };
    }
    return { failure: 'the template rendered fewer closed turns once messages were appended' };
  }
}
