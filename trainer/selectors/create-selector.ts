/**
 * Builds the selector a taskset's config names. Feature columns are looked up by the config's
 * `featureKeys`, so the task reader only has to expose its numeric columns by name.
 */
import { DifficultyBasedSelector } from './difficulty-based-selector.ts';
import { OfflineEasy2HardSelector } from './offline-easy2hard-selector.ts';
import { RandomSelector } from './random-selector.ts';
import { SequentialSelector } from './sequential-selector.ts';
import { ShuffleSelector } from './shuffle-selector.ts';
import { SelectorConfigSchema, type SelectorConfigInput } from './selector-config.ts';
import { assertFeatureColumn } from './selector-checks.ts';
import type { TaskFeatures, TaskSelector } from './selector-types.ts';

export interface CreateSelectorInput {
  /** Selector config; parsed here, so raw (defaulted) input is accepted. */
  readonly config: SelectorConfigInput;
  readonly taskCount: number;
  /** Numeric task columns by name; needed for `offline_easy2hard` and `difficulty_based`. */
  readonly features?: TaskFeatures;
}

/**
 * @example
 * const selector = createSelector({
 *   config: { type: 'difficulty_based', featureKeys: ['qwen7b_pass', 'qwen30b_pass'],
 *             bots: { targetReward: 0.5, tau: 0, doSample: true } },
 *   taskCount: tasks.length,
 *   features: { qwen7b_pass: weak, qwen30b_pass: strong },
 * });
 * const batch = selector.next(32);
 */
export function createSelector(input: CreateSelectorInput): TaskSelector {
  const config = SelectorConfigSchema.parse(input.config);
  const { taskCount } = input;
  const features = input.features ?? {};
  const column = (position: number): readonly number[] => {
    const key = config.featureKeys[position] ?? '';
    return assertFeatureColumn(key, features[key], taskCount);
  };
  switch (config.type) {
    case 'sequential':
      return new SequentialSelector(taskCount, config.seed);
    case 'shuffle':
      return new ShuffleSelector(taskCount, config.seed);
    case 'random':
      return new RandomSelector(taskCount, config.seed);
    case 'offline_easy2hard':
      return new OfflineEasy2HardSelector(taskCount, config.seed, column(0));
    case 'difficulty_based':
      return new DifficultyBasedSelector({
        taskCount,
        seed: config.seed,
        weakPassRates: column(0),
        strongPassRates: column(1),
        options: config.bots,
      });
  }
}
