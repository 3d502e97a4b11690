import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReasoning } from '../../../../src/parsing/reasoning-parser.ts';

const split = (reasoning: string | null, content: string | null, unterminatedReasoning = false) => ({
  reasoning,
  content,
  unterminatedReasoning,
});

test('a Qwen3 think block: reasoning verbatim, content without the separating newlines', () => {
  assert.deepEqual(parseReasoning('<think>\nLet me add.\n</think>\n\nThe answer is 4.\n'), {
    reasoning: '\nLet me add.\n',
    content: 'The answer is 4.\n',
    unterminatedReasoning: false,
  });
});

test('no block: everything is content', () => {
  assert.deepEqual(parseReasoning('Just an answer.'), split(null, 'Just an answer.'));
  assert.deepEqual(parseReasoning('Answer: <think> is a tag'), split(null, 'Answer: <think> is a tag'));
  assert.deepEqual(parseReasoning('x </think> y'), split(null, 'x </think> y'));
});

test('whitespace before the start tag is dropped', () => {
  assert.deepEqual(parseReasoning(' \n<think>r</think>\r\nc'), split('r', 'c'));
});

test('an unterminated block is all reasoning and flagged', () => {
  assert.deepEqual(parseReasoning('<think>\nstill going'), split('\nstill going', null, true));
});

test('startsInReasoning: the text up to the end tag is reasoning', () => {
  assert.deepEqual(parseReasoning('plan\n</think>\n\nanswer', { startsInReasoning: true }), {
    reasoning: 'plan\n',
    content: 'answer',
    unterminatedReasoning: false,
  });
  assert.deepEqual(parseReasoning('no end yet', { startsInReasoning: true }), {
    reasoning: 'no end yet',
    content: null,
    unterminatedReasoning: true,
  });
});

test('only the first end tag closes the block; later tags are content', () => {
  assert.deepEqual(parseReasoning('<think>a</think>b<think>c</think>'), {
    reasoning: 'a',
    content: 'b<think>c</think>',
    unterminatedReasoning: false,
  });
});

test('an empty block gives empty reasoning and empty content', () => {
  assert.deepEqual(parseReasoning('<think>\n\n</think>\n\n'), split('\n\n', ''));
});

test('tags are configurable', () => {
  const tags = { start: '<reasoning>', end: '</reasoning>' };
  assert.deepEqual(parseReasoning('<reasoning>r</reasoning>\nc', { tags }), split('r', 'c'));
  assert.deepEqual(parseReasoning('<think>r</think>c', { tags }), split(null, '<think>r</think>c'));
});
