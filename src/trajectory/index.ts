/**
 * The samples library: recorded calls of a finished rollout → token-exact training
 * samples. Pure functions, used by the trainer and the viewer; the merge policy is stated in
 * `build-samples.ts`.
 */
export { buildSamples } from './build-samples.ts';
export { sampleViolations } from './sample-invariants.ts';
export { countTrainable, sampleMetrics } from './sample-stats.ts';
export { validateSampleOptions } from './sample-caps.ts';
export { sampleOptionsOf, type SamplesSection } from './sample-options.ts';
export { SHARED_PREFIX_MODES } from './sample-types.ts';
export type {
  DriftEvent,
  RolloutSamples,
  Sample,
  SampleCall,
  SampleChoice,
  SampleOptions,
  SampleStats,
  SharedPrefixMode,
} from './sample-types.ts';
export { toSampleCalls } from './from-stored-calls.ts';
