/**
 * What was sent to the engine is stored relative to what the call already stores, so a call's
 * row does not hold its (often large) request twice: a chat request as the changes the proxy made
 * to the client's body, a token-mode request with its prompt ids left out (they are in the
 * prompt-ids blob). `expandSent` gives back the exact body.
 */
export type SentPatch = { $patch: { set: Record<string, unknown>; unset: string[] } };
export type SentWithoutPrompt = { $promptIds: true; body: Record<string, unknown> };

/** The changes turning `client` into `sent` (shallow: the proxy only touches top-level fields). */
export function sentAsPatch(client: Record<string, unknown>, sent: Record<string, unknown>): string {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sent)) if (client[key] !== value) set[key] = value;
  const unset = Object.keys(client).filter((key) => !(key in sent));
  return JSON.stringify({ $patch: { set, unset } } satisfies SentPatch);
}

/** A token-mode body without its `prompt` id array. */
export function sentWithoutPrompt(sent: Record<string, unknown>, promptKey: string): string {
  const { [promptKey]: _prompt, ...rest } = sent;
  return JSON.stringify({ $promptIds: true, body: { ...rest, [promptKey]: '$promptIds' } } satisfies SentWithoutPrompt);
}

/** The body that was sent, rebuilt from the stored form. */
export function expandSent(stored: string | null, requestJson: string, promptIds: number[] | null): unknown {
  if (stored === null) return null;
  const value = JSON.parse(stored) as unknown;
  if (value !== null && typeof value === 'object' && '$patch' in value) {
    const { set, unset } = (value as SentPatch).$patch;
    const body: Record<string, unknown> = { ...(JSON.parse(requestJson) as Record<string, unknown>), ...set };
    for (const key of unset) delete body[key];
    return body;
  }
  if (value !== null && typeof value === 'object' && '$promptIds' in value) {
    const body = { ...(value as SentWithoutPrompt).body };
    for (const [key, field] of Object.entries(body)) if (field === '$promptIds') body[key] = promptIds;
    return body;
  }
  return value;
}
