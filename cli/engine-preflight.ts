import { externalProxyUrls } from '../trainer/config/proxy-section.ts';
import type { TrainerConfig } from '../trainer/config/trainer-config.ts';
import { reachEngine } from './doctor/engine-checks.ts';
import { CommandFailure } from './run-failure.ts';

/**
 * Before a run starts its proxy: is the policy engine there at all? A run against an engine that
 * is not listening, or a URL with a wrong path, would fail every rollout of its first step; it
 * fails here instead, in one line. Replicas: one that answers is enough (the proxy's health checks
 * bring the others in). A proxy given by `proxy.url` or `proxy.urls` checks its own engines; a hosted `openai`
 * engine needs its key, so it is left to the proxy too.
 */
export async function checkEnginesAtStart(config: TrainerConfig): Promise<void> {
  if (externalProxyUrls(config.proxy).length > 0 || config.proxy.engine.kind === 'openai') return;
  const reaches = await Promise.all(config.proxy.engine.upstreams.map((url) => reachEngine(url)));
  const failures = reaches.flatMap((reach) => (reach.ok ? [] : [reach.check]));
  if (failures.length < reaches.length) return;
  const first = failures[0];
  if (first === undefined) return;
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more replica${failures.length === 2 ? '' : 's'})` : '';
  throw new CommandFailure(`engine: ${first.text}${more}`, `${first.fix ?? 'check the engine'}; rollcall doctor --upstream URL checks an engine`);
}
