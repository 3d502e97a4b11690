import type { SampleOptions, SharedPrefixMode } from './sample-types.ts';

/**
 * The trainer's `samples` section (trainer/config/trainer-config.ts) as sample-builder options:
 * the one mapping the trainer asks the proxy for samples with and the log view rebuilds them
 * with, so both get the same samples from the same calls.
 */
export type SamplesSection = {
  maxSamplesPerRollout?: number | undefined;
  maxPromptTokens?: number | undefined;
  maxTotalTokens?: number | undefined;
  maxResponseTokens?: number | undefined;
  sharedPrefix?: SharedPrefixMode | undefined;
};

/**
 * @example
 * sampleOptionsOf({ maxSamplesPerRollout: 4, sharedPrefix: 'train-once' }); // { maxSamples: 4, sharedPrefix: 'train-once' }
 */
export function sampleOptionsOf(section: SamplesSection): SampleOptions {
  const options: SampleOptions = {};
  if (section.sharedPrefix !== undefined) options.sharedPrefix = section.sharedPrefix;
  if (section.maxSamplesPerRollout !== undefined) options.maxSamples = section.maxSamplesPerRollout;
  if (section.maxPromptTokens !== undefined) options.maxPromptTokens = section.maxPromptTokens;
  if (section.maxTotalTokens !== undefined) options.maxTotalTokens = section.maxTotalTokens;
  if (section.maxResponseTokens !== undefined) options.maxResponseTokens = section.maxResponseTokens;
  return options;
}
