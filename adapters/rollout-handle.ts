/**
 * Per-rollout model handles a workflow gets from the trainer. A handle is just the rollout's
 * OpenAI-compatible endpoint: base URL, key and model name. Every call made with it is recorded
 * into the rollout; nothing else in the agent changes.
 */
export type ModelHandle = {
  /** The proxy's OpenAI base URL, ending in `/v1`. */
  baseUrl: string;
  /** The rollout's own key. */
  apiKey: string;
  /** The model name to send. */
  model: string;
};

/** What a workflow is called with, as far as the adapters care. */
export type HandleSource = ModelHandle & { auxiliaryModels?: Record<string, ModelHandle> };

/**
 * Base URL, key and model for any HTTP client.
 *
 * @example
 * const { baseUrl, apiKey, model } = asOaiBaseUrlApiKey(input);
 * await fetch(`${baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ model, messages }) });
 */
export function asOaiBaseUrlApiKey(source: HandleSource): ModelHandle {
  return { baseUrl: source.baseUrl, apiKey: source.apiKey, model: source.model };
}

/**
 * The handle of an auxiliary (non-trained) model, such as a judge or a helper agent; its calls
 * are recorded too but never trained on.
 *
 * @example
 * const judge = auxiliaryModel(input, 'judge');
 */
export function auxiliaryModel(source: HandleSource, name: string): ModelHandle {
  const handle = source.auxiliaryModels?.[name];
  if (handle === undefined) {
    const known = Object.keys(source.auxiliaryModels ?? {});
    throw new Error(`no auxiliary model "${name}"; this rollout has ${known.length === 0 ? 'none' : known.join(', ')} (trainer config: auxiliaryModels)`);
  }
  return handle;
}
