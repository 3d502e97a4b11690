import { setMaxListeners } from 'node:events';
import type { FlagSpec } from '../src/config/command-line.ts';
import { ConfigError, loadTrainerConfig, type ConfigOverrides, type LoadedConfig } from '../trainer/config/load-trainer-config.ts';

/** Flags `train` and `eval` share. */
export const RUN_FLAGS = {
  conf: { type: 'string', value: 'FILE.yaml', required: true, help: 'the run configuration (docs/config.md)' },
  backbone: { type: 'string', value: 'debug|worker', help: 'learner.type: debug trains nothing, worker trains on the GPU worker' },
  set: { type: 'string', value: 'KEY=VALUE', multiple: true, help: 'override one configuration key, e.g. rollout.groupSize=8 (paths relative to here)' },
} as const satisfies Record<string, FlagSpec>;

/** Loads the configuration or says in lines what is wrong with it (exit code 2). */
export function loadRunConfig(command: string, file: string, overrides: ConfigOverrides): LoadedConfig | null {
  if (overrides.backbone !== undefined && overrides.backbone !== 'debug' && overrides.backbone !== 'worker') {
    process.stderr.write(`rollcall ${command}: --backbone must be debug or worker, not "${overrides.backbone as string}"\n`);
    process.exitCode = 2;
    return null;
  }
  try {
    return loadTrainerConfig(file, overrides);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : `rollcall ${command}: ${(error as Error).message}`}\n`);
    process.exitCode = 2;
    return null;
  }
}

/**
 * The run's stop signal: SIGINT/SIGTERM abort it. Every rollout in flight listens on it (and
 * removes its listener when it ends), so the listener count tracks rollout.concurrency; Node's
 * default warns at 11.
 */
export function openStopSignal(concurrency: number): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  setMaxListeners(concurrency + 16, controller.signal);
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
