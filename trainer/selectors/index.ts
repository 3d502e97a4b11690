/** The task selectors' public surface: the factory, the contract, config and state parsing. */
export { createSelector, type CreateSelectorInput } from './create-selector.ts';
export {
  SELECTOR_TYPES,
  type DifficultySelectorState,
  type PositionSelectorState,
  type SelectorState,
  type SelectorType,
  type TaskFeatures,
  type TaskSelector,
} from './selector-types.ts';
export {
  BotsOptionsSchema,
  SelectorConfigSchema,
  type BotsOptions,
  type SelectorConfig,
  type SelectorConfigInput,
} from './selector-config.ts';
export { SelectorStateSchema, parseSelectorState } from './selector-state.ts';
export { SequentialSelector } from './sequential-selector.ts';
export { ShuffleSelector } from './shuffle-selector.ts';
export { RandomSelector } from './random-selector.ts';
export { OfflineEasy2HardSelector } from './offline-easy2hard-selector.ts';
export {
  DifficultyBasedSelector,
  type DifficultyBasedSelectorInit,
} from './difficulty-based-selector.ts';
export { Prng, type PrngState } from './prng.ts';
