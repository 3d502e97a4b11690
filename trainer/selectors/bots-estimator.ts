/**
 * BOTS pass-rate beliefs (Trinity-RFT `InterpolationBetaPREstimator`, arXiv 2510.26374): one
 * Beta(α_i, β_i) per task, updated from observed pass rates of the tasks just explored (explicit
 * evidence) and from an interpolation between a weak (f0) and a strong (f1) reference model's
 * offline pass rates at the policy's estimated capability (implicit evidence, for every task).
 *
 * Update after a batch R with observed pass rates p̂_i over n_i rollouts each, in this order:
 *   c      = (mean p̂ − mean f0[R]) / (mean f1[R] − mean f0[R] + 1e-6)
 *   cap    = c the first time, else 0.9·cap + 0.1·c
 *   p̃_i    = clip(f0_i + cap·(f1_i − f0_i), 0, 1) for all i
 *   ρ      ← ρ/2 if adaptiveRho and mean_{i∈R} |p̃_i − p̂_i| ≥ 0.25   (p̃ before the overwrite)
 *   p̃_i    = p̂_i for i ∈ R
 *   s̄_i    = n_i·p̂_i, f̄_i = n_i·(1 − p̂_i) for i ∈ R, 0 elsewhere
 *   n      = mean n_i over R
 *   α_i   ← (1−λ)·α_i + λ + (1−ρ)·s̄_i + ρ·n·p̃_i
 *   β_i   ← (1−λ)·β_i + λ + (1−ρ)·f̄_i + ρ·n·(1 − p̃_i)
 * The `+λ` term is in Trinity's code (not its docstring): it pulls beliefs towards Beta(1, 1).
 * An observation counts for the rollouts actually run: the paper's explicit evidence is the
 * success and failure counts of the task's rollouts, and Trinity's scale `m` equals the group
 * size in its published run (`m: 16`, `repeat_times: 16`). A separate constant would make the
 * posterior as many times too confident as it exceeds the group (16 over a group of 4: 4×).
 */
import type { BotsOptions } from './selector-config.ts';
import type { Feedback } from './selector-checks.ts';

const CAPABILITY_DISCOUNT = 0.9;
const ADAPTIVE_RHO_ERROR = 0.25;
const CAPABILITY_EPSILON = 1e-6;

export interface BetaBeliefs {
  readonly alphas: readonly number[];
  readonly betas: readonly number[];
  readonly capability: number | null;
  readonly rho: number;
}

type EstimatorOptions = Pick<BotsOptions, 'lambda' | 'adaptiveRho'>;

export class BotsEstimator {
  private alphas: number[];
  private betas: number[];
  private capability: number | null = null;
  private rho: number;

  constructor(
    private readonly weak: readonly number[],
    private readonly strong: readonly number[],
    private readonly options: EstimatorOptions & { readonly rho: number },
  ) {
    this.alphas = weak.map(() => 1);
    this.betas = weak.map(() => 1);
    this.rho = options.rho;
  }

  beliefs(): BetaBeliefs {
    return {
      alphas: [...this.alphas],
      betas: [...this.betas],
      capability: this.capability,
      rho: this.rho,
    };
  }

  load(beliefs: BetaBeliefs): void {
    this.alphas = [...beliefs.alphas];
    this.betas = [...beliefs.betas];
    this.capability = beliefs.capability;
    this.rho = beliefs.rho;
  }

  /** Posterior means α/(α+β), one per task. */
  means(): number[] {
    return this.alphas.map((alpha, index) => alpha / (alpha + (this.betas[index] ?? 1)));
  }

  /** Observed pass rates of distinct, validated task indices; an empty batch changes nothing. */
  update(feedback: Feedback): void {
    const { indices, passRates, trials } = feedback;
    if (indices.length === 0) return;
    const { lambda } = this.options;
    const m = mean(trials);
    this.capability = this.nextCapability(indices, passRates);
    const capability = this.capability;
    const implicit = this.weak.map((low, index) =>
      clip01(low + capability * ((this.strong[index] ?? low) - low)),
    );
    const explicitSuccess = this.weak.map(() => 0);
    const explicitFailure = this.weak.map(() => 0);
    let absoluteError = 0;
    for (const [position, index] of indices.entries()) {
      const observed = passRates[position] ?? 0;
      const count = trials[position] ?? 0;
      absoluteError += Math.abs((implicit[index] ?? 0) - observed);
      implicit[index] = observed;
      explicitSuccess[index] = count * observed;
      explicitFailure[index] = count * (1 - observed);
    }
    if (this.options.adaptiveRho && absoluteError / indices.length >= ADAPTIVE_RHO_ERROR) {
      this.rho /= 2;
    }
    const rho = this.rho;
    this.alphas = this.alphas.map(
      (alpha, i) =>
        (1 - lambda) * alpha +
        lambda +
        (1 - rho) * (explicitSuccess[i] ?? 0) +
        rho * m * (implicit[i] ?? 0),
    );
    this.betas = this.betas.map(
      (beta, i) =>
        (1 - lambda) * beta +
        lambda +
        (1 - rho) * (explicitFailure[i] ?? 0) +
        rho * m * (1 - (implicit[i] ?? 0)),
    );
  }

  /** Capability EMA: where the policy sits between the weak (0) and strong (1) reference. */
  private nextCapability(indices: readonly number[], passRates: readonly number[]): number {
    const observedMean = mean(passRates);
    const weakMean = mean(indices.map((index) => this.weak[index] ?? 0));
    const strongMean = mean(indices.map((index) => this.strong[index] ?? 0));
    const estimate = (observedMean - weakMean) / (strongMean - weakMean + CAPABILITY_EPSILON);
    if (this.capability === null) return estimate;
    return CAPABILITY_DISCOUNT * this.capability + (1 - CAPABILITY_DISCOUNT) * estimate;
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function clip01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
