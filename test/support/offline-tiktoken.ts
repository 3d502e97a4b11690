import { after, before } from 'node:test';

/**
 * LangChain JS `ChatOpenAI({ streaming: true })` estimates token usage after every call with a
 * tiktoken encoding it downloads from tiktoken.pages.dev (`@langchain/core` utils/tiktoken.ts); a
 * model name tiktoken does not know falls back to `gpt2`. Tests never touch the network, and
 * offline that download retries with back-off for about a minute per call. This serves exactly
 * that file from the ranks `js-tiktoken` ships (the same data the site serves); every other
 * request goes to the real `fetch`.
 */
const TIKTOKEN_URL = /^https:\/\/tiktoken\.pages\.dev\/js\/(gpt2|cl100k_base|o200k_base|p50k_base|r50k_base)\.json$/;

async function bundledRanks(name: string): Promise<unknown> {
  const ranks: Record<string, () => Promise<{ default: unknown }>> = {
    gpt2: () => import('js-tiktoken/ranks/gpt2'),
    cl100k_base: () => import('js-tiktoken/ranks/cl100k_base'),
    o200k_base: () => import('js-tiktoken/ranks/o200k_base'),
    p50k_base: () => import('js-tiktoken/ranks/p50k_base'),
    r50k_base: () => import('js-tiktoken/ranks/r50k_base'),
  };
  const load = ranks[name];
  if (load === undefined) throw new Error(`no bundled tiktoken ranks for ${name}`);
  return (await load()).default;
}

/** Registers hooks that answer LangChain's tiktoken download locally for the file's tests. */
export function withOfflineTiktoken(): void {
  const realFetch = globalThis.fetch;
  before(() => {
    globalThis.fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const match = TIKTOKEN_URL.exec(url);
      if (match === null) return realFetch(input, init);
      return new Response(JSON.stringify(await bundledRanks(match[1] ?? '')), { headers: { 'content-type': 'application/json' } });
    };
  });
  after(() => {
    globalThis.fetch = realFetch;
  });
}
