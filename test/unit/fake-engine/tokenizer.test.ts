import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { ADDED_TOKENS, EOS_ID, FakeTokenizer, VOCAB_SIZE } from '../../fake-engine/tokenizer.ts';

const tokenizer = new FakeTokenizer();
after(() => tokenizer.free());

describe('FakeTokenizer', () => {
  it('encodes the ChatML markers as single added tokens', () => {
    const ids = tokenizer.encode('<|im_start|>user\nhi<|im_end|>\n');
    assert.equal(ids[0], 100264);
    assert.ok(ids.includes(100265));
    assert.deepEqual(tokenizer.encode('<tool_call></tool_call><think></think>'), [100266, 100267, 100268, 100269]);
    assert.equal(EOS_ID, ADDED_TOKENS['<|im_end|>']);
  });

  it('keeps cl100k special ids apart from the added ones', () => {
    assert.deepEqual(tokenizer.encode('<|endoftext|>'), [100257]);
    assert.deepEqual(tokenizer.encode('<|endofprompt|>'), [100276]);
    assert.equal(new Set(Object.values(ADDED_TOKENS)).size, 6);
    for (const id of Object.values(ADDED_TOKENS)) assert.ok(![100257, 100258, 100259, 100260, 100276].includes(id));
  });

  it('round-trips text, specials included', () => {
    const text = '<|im_start|>assistant\nnaïve 日本 🤖<tool_call>\n{"a": 1}\n</tool_call><|im_end|>';
    assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
  });

  it('drops only ChatML/cl100k specials with skipSpecialTokens', () => {
    const ids = tokenizer.encode('<|im_start|>x<think>y</think><|im_end|>');
    assert.equal(tokenizer.decode(ids, true), 'x<think>y</think>');
  });

  it('decodes a lone byte fragment of a multi-byte character to U+FFFD, like vLLM', () => {
    const ids = tokenizer.encode('🤖');
    assert.ok(ids.length > 1, 'the emoji spans several byte-level tokens');
    const pieces = ids.map((id) => tokenizer.decodeToken(id));
    assert.ok(pieces.every((piece) => piece.includes('\ufffd')));
    assert.equal(tokenizer.decode(ids), '🤖');
  });

  it('treats holes and ids past the vocabulary as invalid without breaking the encoder', () => {
    for (const id of [-1, 1.5, 100256, 100261, 100270, VOCAB_SIZE]) assert.equal(tokenizer.isValidId(id), false, String(id));
    assert.throws(() => tokenizer.decode([100261]), /Token id 100261 is out of vocabulary/);
    assert.throws(() => tokenizer.decodeToken(200000), RangeError);
    assert.deepEqual(tokenizer.encode('still works'), tokenizer.encode('still works'));
  });

  it('refuses use after free() (runs last: frees the shared instance)', () => {
    tokenizer.free();
    assert.equal(tokenizer.isFreed, true);
    assert.throws(() => tokenizer.encode('x'), /after free/);
    assert.throws(() => tokenizer.decode([1]), /after free/);
  });
});
