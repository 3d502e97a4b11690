import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { incrementalText } from './incremental-text.ts';
import type { TokenDecoder } from './token-decoder.ts';

function readJson(file: string): object {
  const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (value === null || typeof value !== 'object') throw new Error(`${file} does not hold a JSON object`);
  return value;
}

/**
 * Decodes with the model's own `tokenizer.json` (and `tokenizer_config.json` when present), the
 * way the engine detokenizes: special tokens kept, no clean-up of spaces, each token in context.
 * Everything is loaded at once, so a bad folder fails when the view starts.
 */
export function tokenizerDecoder(modelDir: string): TokenDecoder {
  const dir = resolve(modelDir);
  const file = join(dir, 'tokenizer.json');
  if (!existsSync(file)) throw new RollcallError('RC_ERR_VIEW_TOKENIZER', { path: dir, detail: 'the folder has no tokenizer.json' });
  let tokenizer: Tokenizer;
  try {
    const configFile = join(dir, 'tokenizer_config.json');
    tokenizer = new Tokenizer(readJson(file), existsSync(configFile) ? readJson(configFile) : {});
  } catch (cause) {
    throw new RollcallError('RC_ERR_VIEW_TOKENIZER', { path: dir, detail: cause instanceof Error ? cause.message : String(cause) }, { cause });
  }
  const decode = (ids: number[]): string => (ids.length === 0 ? '' : tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }));
  return {
    info: { kind: 'tokenizer', detail: `tokenizer.json of ${dir}, each token decoded in context` },
    textOf: async (ids, from, to) => incrementalText(decode, ids, from, to),
  };
}
