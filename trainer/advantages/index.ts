/** The advantage stage's public surface: estimators, weighting, options and oversampling. */
export { computeAdvantages } from './compute-advantages.ts';
export {
  AdvantageOptionsSchema,
  parseAdvantageOptions,
  type AdvantageOptions,
  type AdvantageOptionsInput,
} from './advantage-config.ts';
export {
  ADVANTAGE_ESTIMATORS,
  ADVANTAGE_WEIGHTINGS,
  type AdvantageEstimator,
  type AdvantageResult,
  type AdvantageRolloutInput,
  type AdvantageSampleInput,
  type AdvantageWeighting,
  type SampleAdvantage,
} from './advantage-types.ts';
export {
  filterGroups,
  oversampledTaskCount,
  type GroupFilterOptions,
  type GroupFilterResult,
  type OversampleCandidate,
} from './oversampling.ts';
