import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { RolloutLimits } from '../../src/wire/admin.ts';

/**
 * Token-budget policy: a rollout's `maxTotalTokens` (the sum of usage.total_tokens over its
 * calls) is never exceeded, whatever `n` and however many of its calls run at once. Each call
 * reserves its worst case at admission (n choices × the per-choice bound, the per-turn cap or
 * the client's max_tokens; everything left when neither bounds it), bounded by what is left
 * after the calls already in flight; once its prompt is counted the reservation also covers the
 * prompt and each choice gets an equal share of what the prompt leaves. The reservation is
 * settled to the tokens the call really used when it ends, whatever its outcome. A call whose
 * choices would not get one token each is refused with RC_ERR_ROLLOUT_TOKEN_LIMIT.
 *
 * An engine that cannot count a prompt before generating (SGLang chat without a local
 * tokenizer, text-only relays) bounds only the completions; its prompt is settled afterwards.
 */

/** The rollout's bound on each choice's completion tokens, as a call's strategy sees it. */
export type CallBudget = {
  /** The per-choice bound before the prompt is counted (the per-turn cap, the budget's share); undefined: none. */
  readonly cap: number | undefined;
  /** True when the bound depends on the prompt's length (the rollout has a total budget): count the prompt first. */
  readonly countsPrompt: boolean;
  /** The per-choice bound for a prompt of this length; throws RC_ERR_ROLLOUT_TOKEN_LIMIT when no token per choice is left. */
  capFor(promptTokens: number): number | undefined;
};

/** A call's reservation: its budget, and the settlement when it ends. */
export type BudgetTicket = CallBudget & {
  /** Returns the reservation and counts the tokens the call used; later calls change nothing. */
  settle(tokensUsed: number): void;
};

/** The rollout state a reservation draws on. */
export type BudgetedRollout = {
  readonly record: { readonly id: string; readonly limits: RolloutLimits };
  tokensUsed: number;
  tokensReserved: number;
};

export type BudgetAsk = { choices: number; clientMaxTokens: number | undefined };

const minDefined = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

class Reservation implements BudgetTicket {
  readonly cap: number | undefined;
  readonly countsPrompt = true;
  private held: number;
  private settled = false;

  constructor(
    private readonly rollout: BudgetedRollout,
    private readonly limit: number,
    private readonly choices: number,
    /** The per-choice bound the call has anyway: the per-turn cap and the client's max_tokens. */
    private readonly perChoice: number | undefined,
  ) {
    const left = this.left();
    if (left < choices) throw this.refusal(`${choices} ${choices === 1 ? 'choice needs' : 'choices need'} at least ${choices} tokens`);
    this.held = perChoice === undefined ? left : Math.min(left, choices * perChoice);
    rollout.tokensReserved += this.held;
    this.cap = minDefined(rollout.record.limits.maxTokensPerTurn, Math.floor(this.held / choices));
  }

  private left(): number {
    return this.limit - this.rollout.tokensUsed - this.rollout.tokensReserved;
  }

  private refusal(need: string): RollcallError {
    const { rollout, limit } = this;
    return new RollcallError('RC_ERR_ROLLOUT_TOKEN_LIMIT', { rolloutId: rollout.record.id, left: Math.max(0, this.left()), limit, held: rollout.tokensReserved, need });
  }

  capFor(promptTokens: number): number | undefined {
    const want = this.perChoice === undefined ? Number.POSITIVE_INFINITY : promptTokens + this.choices * this.perChoice;
    if (want > this.held) {
      const more = Math.max(0, Math.min(want - this.held, this.left()));
      this.held += more;
      this.rollout.tokensReserved += more;
    }
    const each = Math.floor((this.held - promptTokens) / this.choices);
    if (each < 1) throw this.refusal(`a prompt of ${promptTokens} tokens leaves ${Math.max(0, this.held - promptTokens)} for ${this.choices} ${this.choices === 1 ? 'choice' : 'choices'}`);
    return minDefined(this.rollout.record.limits.maxTokensPerTurn, each);
  }

  settle(tokensUsed: number): void {
    if (this.settled) return;
    this.settled = true;
    this.rollout.tokensReserved -= this.held;
    this.rollout.tokensUsed += tokensUsed;
  }
}

/** A budget that is only the per-turn cap (a rollout without a total budget). */
export function turnCapBudget(cap: number | undefined): CallBudget {
  return { cap, countsPrompt: false, capFor: () => cap };
}

/** Reserves a call's worst case from its rollout's total budget (see above); throws when nothing is left. */
export function reserveTokens(rollout: BudgetedRollout, ask: BudgetAsk): BudgetTicket {
  const { limits } = rollout.record;
  if (limits.maxTotalTokens === undefined) {
    return {
      ...turnCapBudget(limits.maxTokensPerTurn),
      settle: (tokensUsed) => {
        rollout.tokensUsed += tokensUsed;
      },
    };
  }
  return new Reservation(rollout, limits.maxTotalTokens, ask.choices, minDefined(limits.maxTokensPerTurn, ask.clientMaxTokens));
}
