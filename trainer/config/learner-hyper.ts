import type { LossAggregation } from '../../src/wire/learner.ts';
import type { LearnerHyper } from './learner-config.ts';
import type { ConfigProblem } from './publish-config.ts';

/**
 * The hyper-parameters one training step sends, resolved against the rest of the configuration.
 *
 * Policy:
 * - Loss aggregation follows the estimator unless set: Dr. GRPO (arXiv 2503.20783; verl
 *   `docs/algo/grpo.md`) is defined by `seq-mean-token-sum-norm` — each sequence's token sum
 *   divided by a constant, so no response is down-weighted for its length — and refuses any other
 *   setting; every other estimator defaults to `token-mean` (verl's default, DAPO's token-level loss).
 * - `seq-mean-token-sum-norm` divides by a constant number of tokens, the same every step (verl
 *   `loss_scale_factor`): `learner.hyper.lossScaleFactor`, else `samples.maxResponseTokens`, else
 *   `rollout.limits.maxTokensPerTurn`. A configuration without any of them is refused: a divisor
 *   that follows the batch (its longest response) brings back the length bias.
 */

export type StepHyper = Omit<LearnerHyper, 'lossAgg' | 'lossScaleFactor'> & { lossAgg: LossAggregation; lossScaleFactor?: number };

/** The sections the resolution reads; a subset of the trainer configuration. */
type Sections = {
  algorithm: { estimator: string };
  learner: { hyper: LearnerHyper };
  samples: { maxResponseTokens?: number | undefined };
  rollout: { limits: { maxTokensPerTurn?: number | undefined } };
};

export function lossAggregation(config: Sections): LossAggregation {
  return config.learner.hyper.lossAgg ?? (config.algorithm.estimator === 'drgrpo' ? 'seq-mean-token-sum-norm' : 'token-mean');
}

function lossScaleFactor(config: Sections): number | undefined {
  return config.learner.hyper.lossScaleFactor ?? config.samples.maxResponseTokens ?? config.rollout.limits.maxTokensPerTurn;
}

/** What `POST /train/step` gets as `hyper`. */
export function stepHyper(config: Sections): StepHyper {
  const { lossAgg: _agg, lossScaleFactor: _factor, ...rest } = config.learner.hyper;
  const lossAgg = lossAggregation(config);
  const factor = lossAgg === 'seq-mean-token-sum-norm' ? lossScaleFactor(config) : undefined;
  return { ...rest, lossAgg, ...(factor === undefined ? {} : { lossScaleFactor: factor }) };
}

/** Combinations that cannot work, each naming the key to change. */
export function lossProblems(config: Sections): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const set = config.learner.hyper.lossAgg;
  if (config.algorithm.estimator === 'drgrpo' && set !== undefined && set !== 'seq-mean-token-sum-norm') {
    problems.push({ path: ['learner', 'hyper', 'lossAgg'], message: `algorithm.estimator drgrpo aggregates with seq-mean-token-sum-norm (Dr. GRPO); leave lossAgg unset or set it to that, not ${set}` });
  }
  if (lossAggregation(config) === 'seq-mean-token-sum-norm' && lossScaleFactor(config) === undefined) {
    problems.push({ path: ['learner', 'hyper', 'lossScaleFactor'], message: 'required with seq-mean-token-sum-norm when neither samples.maxResponseTokens nor rollout.limits.maxTokensPerTurn is set: the constant divisor, e.g. the longest response you train' });
  }
  return problems;
}
