/**
 * What the fake engine serves besides its base model, and every weight update it was asked for:
 * runtime-loaded LoRA adapters (vllm/entrypoints/openai/models/serving.py keeps them by name with
 * a growing integer id), full reloads, prefix-cache resets. Tests read `updates` to assert the
 * order and outcome of publishes, and can make updates fail after some successes.
 */
import { unixSeconds } from './engine-context.ts';

export interface LoadedAdapter {
  name: string;
  path: string;
  intId: number;
  created: number;
}

export type WeightRoute = '/v1/load_lora_adapter' | '/v1/unload_lora_adapter' | '/collective_rpc' | '/reset_prefix_cache';

/** One weight-update request as the engine answered it. */
export interface WeightUpdate {
  route: WeightRoute;
  status: number;
  loraName?: string;
  /** The adapter folder (load) or the weights folder (reload). */
  path?: string;
}

/** Makes loads and reloads fail once `after` of them have succeeded, with vLLM's error body. */
export interface WeightFault {
  after: number;
  status: number;
  message: string;
}

export class WeightState {
  readonly updates: WeightUpdate[] = [];
  /** The folder the last successful full reload read. */
  reloadedFrom: string | null = null;
  private readonly adapters = new Map<string, LoadedAdapter>();
  private nextIntId = 1;
  private succeeded = 0;
  private fault: WeightFault | null = null;

  /** The base model or a loaded adapter: what a request's `model` may name. */
  serves(model: string, baseName: string): boolean {
    return model === baseName || this.adapters.has(model);
  }

  get loaded(): readonly LoadedAdapter[] {
    return [...this.adapters.values()];
  }

  adapter(name: string): LoadedAdapter | undefined {
    return this.adapters.get(name);
  }

  load(name: string, path: string): void {
    this.adapters.set(name, { name, path, intId: this.nextIntId++, created: unixSeconds() });
  }

  unload(name: string): boolean {
    return this.adapters.delete(name);
  }

  setFault(fault: WeightFault | null): void {
    this.fault = fault;
    this.succeeded = 0;
  }

  /** The fault to answer this load or reload with, or null; counts successes toward `after`. */
  takeFault(): WeightFault | null {
    if (this.fault !== null && this.succeeded >= this.fault.after) return this.fault;
    this.succeeded += 1;
    return null;
  }

  record(update: WeightUpdate): void {
    this.updates.push(update);
  }
}
