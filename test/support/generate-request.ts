import type { GenerateRequest } from '../../proxy/drivers/driver-types.ts';

/** A token-mode generate request with nothing set but the prompt (and what a test overrides). */
export const generateRequest = (promptIds: number[], extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
  model: undefined,
  promptIds,
  maxTokens: 16,
  temperature: undefined,
  topP: undefined,
  topK: undefined,
  minP: undefined,
  seed: undefined,
  n: 1,
  stop: undefined,
  topLogprobs: 0,
  stream: false,
  ...extra,
});
