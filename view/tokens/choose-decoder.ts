import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DETOKENIZE_WIRES, engineDecoder, type DetokenizeEngine } from './engine-decoder.ts';
import { idsDecoder, type TokenDecoder } from './token-decoder.ts';
import { tokenizerDecoder } from './tokenizer-decoder.ts';

/** What a run says about its engine: the config's `proxy.engine` (or the proxy's own `engine`). */
export type EngineHint = { kind?: string | undefined; tokenizerPath?: string | undefined; upstreams?: readonly string[] | undefined };

/**
 * The decoder of a run, in order of preference: a model folder given to the view; the model
 * folder the run rendered prompts with (`engine.tokenizerPath`, as written, or relative to the run
 * folder); the engine's `/detokenize`; the ids alone.
 */
export function chooseDecoder(options: { tokenizerDir?: string | undefined; engine?: EngineHint | undefined; runDir?: string | undefined }): TokenDecoder {
  if (options.tokenizerDir !== undefined) return tokenizerDecoder(options.tokenizerDir);
  const engine = options.engine ?? {};
  const path = engine.tokenizerPath;
  if (path !== undefined) {
    const candidates = isAbsolute(path) ? [path] : [resolve(path), ...(options.runDir === undefined ? [] : [resolve(options.runDir, path)])];
    const found = candidates.find((dir) => existsSync(join(dir, 'tokenizer.json')));
    if (found !== undefined) return tokenizerDecoder(found);
  }
  const origin = engine.upstreams?.[0];
  if (origin !== undefined && engine.kind !== undefined && engine.kind in DETOKENIZE_WIRES) return engineDecoder(engine.kind as DetokenizeEngine, origin);
  const why = path !== undefined ? `the run's tokenizerPath ${path} has no tokenizer.json here` : `the run's engine (${engine.kind ?? 'unknown'}) has no /detokenize the view can use`;
  return idsDecoder(`token ids only: ${why}; start the view with --tokenizer MODEL_DIR to see text`);
}
