import { after, before } from 'node:test';
import { startFakeEngine, type FakeEngine } from '../fake-engine/server.ts';
import { SCENARIOS } from './conformance-scenarios.ts';
import { startProxy, type Harness } from './proxy-harness.ts';

/**
 * The engines and proxies the conformance table runs against: token mode and chat pass-through,
 * each in front of an engine that streams one token per chunk and one that batches several
 * (vLLM's `--stream-interval`, or speculative decoding). Started once for the whole suite.
 */
export const MODES = ['token', 'chat'] as const;
export type Mode = (typeof MODES)[number];

/** Tokens per streamed chunk; unary cases run against the first. */
export const CHUNKINGS = [1, 3] as const;
export type Chunking = (typeof CHUNKINGS)[number];

export type Fixture = { mode: Mode; chunkTokens: Chunking; engine: FakeEngine; proxy: Harness };

/** What a client needs: the rollout's base URL and key, as a trainer hands them to an agent. */
export type ClientContext = {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** For the checks after the client is done; clients never use it. */
  rolloutId: string;
};

function scriptAll(engine: FakeEngine): void {
  for (const scenario of Object.values(SCENARIOS)) {
    if (scenario.script !== null) engine.script(scenario.script, scenario.replies);
  }
}

/** Registers hooks that start every fixture before the suite and close them after it. */
export function withConformanceFixtures(): (mode: Mode, chunkTokens: Chunking) => Fixture {
  const fixtures = new Map<string, Fixture>();
  const engines: FakeEngine[] = [];
  before(async () => {
    for (const chunkTokens of CHUNKINGS) {
      const engine = await startFakeEngine({ chunkTokens });
      scriptAll(engine);
      engines.push(engine);
      for (const mode of MODES) {
        const proxy = await startProxy([engine.url], { engine: { mode } as never });
        fixtures.set(`${mode}/${chunkTokens}`, { mode, chunkTokens, engine, proxy });
      }
    }
  });
  after(async () => {
    for (const fixture of fixtures.values()) await fixture.proxy.close();
    for (const engine of engines) await engine.close();
  });
  return (mode, chunkTokens) => {
    const fixture = fixtures.get(`${mode}/${chunkTokens}`);
    if (fixture === undefined) throw new Error(`no conformance fixture for ${mode} mode, ${chunkTokens} tokens/chunk`);
    return fixture;
  };
}

/**
 * A rollout for one case; the seed makes the engine's answer replayable. With `userSampling` the
 * rollout's policy (which decides what reaches the engine) is temperature 0.7, top-p 0.9, as a
 * trainer config sets it.
 */
export async function openRollout(fixture: Fixture, taskId: string, userSampling: boolean): Promise<ClientContext> {
  const sampling = userSampling ? { seed: 20260, temperature: 0.7, topP: 0.9 } : { seed: 20260 };
  const rollout = await fixture.proxy.createRollout({ taskId, sampling });
  return { baseUrl: rollout.baseUrl, apiKey: rollout.apiKey, model: fixture.engine.modelName, rolloutId: rollout.rolloutId };
}
