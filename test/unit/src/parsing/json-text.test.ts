import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findMemberValueText, minifyJson, parseJsonText } from '../../../../src/parsing/json-text.ts';

test('minifyJson removes only whitespace outside strings', () => {
  const text = ' {\n\t"a b": [ 1 , 2.50e3 ],\r\n "c": "x \\" y" , "d":{ } } ';
  assert.equal(minifyJson(text), '{"a b":[1,2.50e3],"c":"x \\" y","d":{}}');
  assert.equal(minifyJson('"\\\\"'), '"\\\\"');
});

test('findMemberValueText finds a top-level member, not a nested one, and the last duplicate', () => {
  const text = ' { "x": {"arguments": 1}, "arguments" : { "a" : "}" } , "y": [ "arguments" ] } ';
  assert.equal(findMemberValueText(text, 'arguments'), '{ "a" : "}" }');
  assert.equal(findMemberValueText('{"arguments": 1, "arguments": [2, 3]}', 'arguments'), '[2, 3]');
  assert.equal(findMemberValueText('{"a": true, "b": -1.5e2}', 'b'), '-1.5e2');
  assert.equal(findMemberValueText('{"a": true}', 'b'), null);
  assert.equal(findMemberValueText('{"\\u0061rguments": 7}', 'arguments'), '7', 'keys compare decoded');
  assert.equal(findMemberValueText('[1]', 'a'), null);
});

test('parseJsonText reports failures as data', () => {
  assert.deepEqual(parseJsonText('{"a": 1}'), { ok: true, value: { a: 1 } });
  const bad = parseJsonText('{"a": ');
  assert.equal(bad.ok, false);
  assert.ok(!bad.ok && bad.error.length > 0);
});
