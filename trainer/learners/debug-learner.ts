import type { Learner } from './learner-types.ts';

/** No training: rollouts, judging, samples and metrics only. The policy never changes. */
export function createDebugLearner(): Learner {
  return {
    kind: 'debug',
    trainStep: async (samples) => ({
      metrics: { 'learner/samples': samples.length, 'learner/tokens': samples.reduce((n, s) => n + s.tokens.length, 0) },
      policyVersion: null,
    }),
    checkpoint: async () => {},
    restore: async () => {},
    // The configuration refuses learner.publish with this learner; reaching here is a wiring bug.
    saveWeights: async () => {
      throw new Error('the debug learner trains no weights, so it has none to save');
    },
    close: async () => {},
  };
}
