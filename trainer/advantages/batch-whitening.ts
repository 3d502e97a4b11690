/**
 * REINFORCE++ batch whitening (verl `compute_reinforce_plus_plus_outcome_advantage` with
 * `masked_whiten`): advantages are the returns standardised over every trainable token of the
 * batch, `A = (G − mean) / sqrt(var + 1e-8)`, with the unbiased token variance
 * (`masked_var(unbiased=True)`), then multiplied by the loss mask.
 *
 * Returns with γ = 1, fixed on purpose: the reward is an outcome reward on the last token, so the
 * return G_t = Σ_{k≥t} γ^(k−t)·r_k equals R on every trainable token (γ < 1 would discount early
 * turns of a long agent episode by their distance to the end; AgentJet asserts γ = 1 too). verl
 * also resets the return at every mask-0 token ("after EOS"); in rollcall a mask-0 span inside a
 * sample is a tool or user turn of the same episode, not its end, so no reset is applied.
 *
 * Because G is constant within a sample, whitening per token equals whitening per sample with the
 * sample's trainable-token count as weight, which is what is computed here.
 */

const WHITEN_EPSILON = 1e-8;

export interface SampleReturn {
  /** Return G of the sample (after any group baseline). */
  readonly value: number;
  /** Number of tokens with loss mask 1. */
  readonly trainableTokens: number;
}

/** Whitened advantage per sample, in input order; all zeros when the batch has no tokens. */
export function whitenOverTokens(returns: readonly SampleReturn[]): number[] {
  const tokens = returns.reduce((sum, entry) => sum + entry.trainableTokens, 0);
  if (tokens === 0) return returns.map(() => 0);
  const center =
    returns.reduce((sum, entry) => sum + entry.value * entry.trainableTokens, 0) / tokens;
  const squares = returns.reduce(
    (sum, entry) => sum + entry.trainableTokens * (entry.value - center) ** 2,
    0,
  );
  // One token has no spread: its centred return is 0 whatever the variance, so use 0.
  const variance = tokens > 1 ? squares / (tokens - 1) : 0;
  const scale = 1 / Math.sqrt(variance + WHITEN_EPSILON);
  return returns.map((entry) => (entry.value - center) * scale);
}
