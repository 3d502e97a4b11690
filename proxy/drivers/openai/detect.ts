import type { EngineCapabilities, EngineHttp } from '../driver-types.ts';
import { engineStatusError } from '../../upstream/map-upstream-error.ts';
import { isRecord } from '../engine-json.ts';

/** Listing models may need a key the probe does not send (401/403) or not exist (404). */
const TOLERATED_STATUSES = new Set([401, 403, 404]);

/** The `data` cards of a listing; a gateway answering something else lists nothing. */
function listedCards(text: string): unknown[] {
  try {
    const listing = JSON.parse(text) as unknown;
    return isRecord(listing) && Array.isArray(listing.data) ? listing.data : [];
  } catch {
    return [];
  }
}

/**
 * An OpenAI-compatible API at start: `GET /v1/models` only, nothing is generated. Never token ids,
 * never token mode; a refused or missing model listing leaves the list empty.
 */
export async function detectOpenAi(http: EngineHttp): Promise<EngineCapabilities> {
  const response = await http({ method: 'GET', path: '/v1/models' });
  const text = await response.body.text();
  let models: string[] = [];
  if (response.statusCode === 200) {
    const cards = listedCards(text);
    models = cards.filter(isRecord).map((card) => String(card.id));
  } else if (!TOLERATED_STATUSES.has(response.statusCode)) {
    throw engineStatusError(response.statusCode, text);
  }
  return { version: null, models, maxModelLen: null, chatTokenIds: false, tokenMode: false };
}
