import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import { readFileSync } from 'node:fs';
import { tokenizerDecoder } from '../../../../view/tokens/tokenizer-decoder.ts';
import { chooseDecoder } from '../../../../view/tokens/choose-decoder.ts';

const MODEL = fileURLToPath(new URL('../../../fixtures/tokenizers/qwen2-tiny/', import.meta.url));
const tokenizer = new Tokenizer(JSON.parse(readFileSync(join(MODEL, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(MODEL, 'tokenizer_config.json'), 'utf8')));
const TEXT = '<|im_start|>assistant\nHé said: the ✓ is 4\n<tool_call>{"a": 1}</tool_call><|im_end|>';
const ids = tokenizer.encode(TEXT, { add_special_tokens: false }).ids;

test("each token's text, in context, adds up to the engine's decode of the whole sequence", async () => {
  const decoder = tokenizerDecoder(MODEL);
  assert.equal(decoder.info.kind, 'tokenizer');
  const pieces = await decoder.textOf(ids, 0, ids.length);
  assert.equal(pieces.length, ids.length);
  assert.equal(pieces.join(''), TEXT, 'special tokens kept, spaces untouched');
  assert.ok(pieces.includes('<|im_start|>') && pieces.includes('<tool_call>'));
});

test('a token ending inside a multi-byte character shows nothing; the token completing it carries the character', async () => {
  const pieces = await tokenizerDecoder(MODEL).textOf(ids, 0, ids.length);
  const check = pieces.indexOf('✓');
  assert.ok(check > 1, 'the 3-byte ✓ is one piece');
  assert.deepEqual(pieces.slice(check - 2, check), ['', ''], 'its first two bytes show nothing yet');
  assert.ok(pieces.some((p) => p.endsWith('é')));
});

test('a page from the middle gets the same pieces as decoding from the start', async () => {
  const decoder = tokenizerDecoder(MODEL);
  const all = await decoder.textOf(ids, 0, ids.length);
  for (const from of [1, 5, ids.length - 7]) assert.deepEqual(await decoder.textOf(ids, from, from + 6), all.slice(from, from + 6), `from ${from}`);
});

test('the decoder is chosen from the run: a model folder, then the engine, then ids with the reason', () => {
  assert.equal(chooseDecoder({ engine: { kind: 'vllm', tokenizerPath: MODEL, upstreams: ['http://127.0.0.1:1'] } }).info.kind, 'tokenizer');
  assert.equal(chooseDecoder({ engine: { kind: 'vllm', upstreams: ['http://127.0.0.1:1'] } }).info.kind, 'engine');
  const none = chooseDecoder({ engine: { kind: 'openai', upstreams: ['https://api.example'] } });
  assert.equal(none.info.kind, 'ids');
  assert.match(none.info.detail, /--tokenizer MODEL_DIR/);
  assert.throws(() => chooseDecoder({ tokenizerDir: mkdtempSync(join(tmpdir(), 'no-model-')) }), (error: Error & { code?: string }) => error.code === 'RC_ERR_VIEW_TOKENIZER' && /no tokenizer\.json/.test(error.message));
});
