import { request } from 'undici';
import type { TokenDecoder } from './token-decoder.ts';

/**
 * Decodes through the run's engine, one id at a time (engines decode a list as one text), as the
 * engines' own logprob token strings do: a piece of a multi-byte character shows as U+FFFD. Each
 * distinct id is asked for once and remembered. How each engine spells the request and answer
 * (vLLM `vllm/entrypoints/serve/tokenize/protocol.py`, SGLang `serving_tokenize.py`, llama.cpp
 * `tools/server/README.md`):
 */
type DetokenizeWire = {
  /** SGLang takes a list of lists and answers one text per list: one request for a whole page. */
  batched: boolean;
  body: (ids: number[]) => unknown;
  read: (json: Record<string, unknown>) => string[] | null;
};

const asText = (value: unknown): string[] | null => (typeof value === 'string' ? [value] : null);

export const DETOKENIZE_WIRES = {
  vllm: { batched: false, body: (ids) => ({ tokens: ids }), read: (json) => asText(json.prompt) },
  worker: { batched: false, body: (ids) => ({ tokens: ids }), read: (json) => asText(json.prompt) },
  llamacpp: { batched: false, body: (ids) => ({ tokens: ids }), read: (json) => asText(json.content) },
  sglang: {
    batched: true,
    body: (ids) => ({ tokens: ids.map((id) => [id]), skip_special_tokens: false }),
    read: (json) => (Array.isArray(json.text) && json.text.every((t) => typeof t === 'string') ? (json.text as string[]) : null),
  },
} as const satisfies Record<string, DetokenizeWire>;

export type DetokenizeEngine = keyof typeof DETOKENIZE_WIRES;

const PARALLEL_REQUESTS = 8;
const TIMEOUT_MS = 10_000;

export function engineDecoder(engine: DetokenizeEngine, origin: string): TokenDecoder {
  const wire: DetokenizeWire = DETOKENIZE_WIRES[engine];
  const url = `${origin.replace(/\/+$/, '')}/detokenize`;
  const known = new Map<number, string>();

  async function ask(ids: number[]): Promise<void> {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(wire.body(ids)),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    const json = (await response.body.json()) as Record<string, unknown>;
    const texts = response.statusCode === 200 ? wire.read(json) : null;
    if (texts === null || texts.length !== ids.length) throw new Error(`${url} answered ${response.statusCode} without the text of ${ids.length} token(s)`);
    ids.forEach((id, i) => known.set(id, texts[i] as string));
  }

  return {
    info: { kind: 'engine', detail: `the engine's /detokenize at ${origin}, each id decoded alone (a piece of a multi-byte character shows as \ufffd)` },
    textOf: async (ids, from, to) => {
      const missing = [...new Set(ids.slice(from, to))].filter((id) => !known.has(id));
      if (wire.batched) {
        if (missing.length > 0) await ask(missing);
      } else {
        for (let i = 0; i < missing.length; i += PARALLEL_REQUESTS) {
          await Promise.all(missing.slice(i, i + PARALLEL_REQUESTS).map((id) => ask([id])));
        }
      }
      return ids.slice(from, to).map((id) => known.get(id) as string);
    },
  };
}
