/**
 * The task-selector contract: which task indices the trainer runs next, what it learns from the
 * judged pass rates, and a JSON-serializable state that makes a resumed run serve exactly the
 * batches the interrupted run would have served.
 */

/** Selector names, as in Trinity-RFT's `data_selector.selector_type`. */
export const SELECTOR_TYPES = [
  'sequential',
  'shuffle',
  'random',
  'offline_easy2hard',
  'difficulty_based',
] as const;
export type SelectorType = (typeof SELECTOR_TYPES)[number];

/** Selectors whose whole state is the read position (tasks handed out so far). */
export type PositionSelectorType = Exclude<SelectorType, 'difficulty_based'>;

export interface PositionSelectorState {
  readonly type: PositionSelectorType;
  /** Taskset size the state was taken with; restoring into another size is refused. */
  readonly taskCount: number;
  readonly position: number;
}

export interface DifficultySelectorState {
  readonly type: 'difficulty_based';
  readonly taskCount: number;
  readonly position: number;
  /** Beta belief per task (index = task index). */
  readonly alphas: readonly number[];
  readonly betas: readonly number[];
  /** EMA of the policy's capability between the weak and strong reference; null before feedback. */
  readonly capability: number | null;
  /** Current pseudo-count weight; `adaptiveRho` halves it, so it is state, not config. */
  readonly rho: number;
}

export type SelectorState = PositionSelectorState | DifficultySelectorState;

export interface TaskSelector {
  readonly type: SelectorType;
  readonly taskCount: number;
  /**
   * The next `batchSize` task indices (each in [0, taskCount)), advancing the read position by
   * `batchSize`. Requires 1 ≤ batchSize ≤ taskCount.
   */
  next(batchSize: number): number[];
  /**
   * Observed pass rates (share of successful rollouts, in [0, 1]) of tasks served earlier, each
   * over `trials[k]` rollouts (the group size actually run, failures the policy caused included);
   * `indices[k]` pairs with `passRates[k]` and `trials[k]`; a repeated index counts once, its
   * trials pooled. Only adaptive selectors use it; the others validate and ignore it.
   */
  feedback(indices: readonly number[], passRates: readonly number[], trials: readonly number[]): void;
  state(): SelectorState;
  restore(state: SelectorState): void;
  /** Flat metrics for the run log, keys prefixed `selector/`. */
  metrics(): Record<string, number>;
}

/** Per-task feature columns by name (e.g. offline pass rates), each of length taskCount. */
export type TaskFeatures = Readonly<Record<string, readonly number[]>>;
