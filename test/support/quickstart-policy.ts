import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_PYTHON } from './python.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHIPPED_POLICY = join(ROOT, 'examples/quickstart/small-policy');

/**
 * The policy the quickstart test trains: the shipped one when this checkout has it, else a tiny
 * random Qwen2 (written by the worker's own `native/random_checkpoint.py`) with the qwen2-tiny
 * fixture's tokenizer, so the test runs either way and never skips.
 */
export function quickstartTestPolicy(): { dir: string; shipped: boolean } {
  if (existsSync(join(SHIPPED_POLICY, 'config.json'))) return { dir: SHIPPED_POLICY, shipped: true };
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-tiny-policy-'));
  const script = `
import shutil, sys
from pathlib import Path
from rollcall_worker.native.random_checkpoint import config_dict, write_random_checkpoint
out, fixture = Path(sys.argv[1]), Path(sys.argv[2])
# 293 tokenizer ids (<|im_end|> is 286), padded to a multiple of 64 like the small policy's head
write_random_checkpoint(out, config_dict("qwen2", vocab_size=320, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                        num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True, bos_token_id=None, eos_token_id=286))
for name in ("tokenizer.json", "tokenizer_config.json"):
    shutil.copyfile(fixture / name, out / name)
`;
  execFileSync(TEST_PYTHON, ['-c', script, dir, join(ROOT, 'test/fixtures/tokenizers/qwen2-tiny')], {
    env: { ...process.env, PYTHONPATH: join(ROOT, 'trainer/worker'), PYTHONDONTWRITEBYTECODE: '1' },
  });
  return { dir, shipped: false };
}
