import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nestsDeeperThan } from '../../../../proxy/http/json-depth.ts';

test('nesting counts arrays and objects, not brackets inside strings or escaped quotes', () => {
  assert.equal(nestsDeeperThan('{"a": [[1]]}', 3), false);
  assert.equal(nestsDeeperThan('{"a": [[[1]]]}', 3), true);
  assert.equal(nestsDeeperThan(`{"a": "${'['.repeat(100)}"}`, 2), false);
  assert.equal(nestsDeeperThan(`{"a": "\\"${'{'.repeat(100)}"}`, 2), false);
  assert.equal(nestsDeeperThan(`{"a": "\\\\", "b": ${'['.repeat(5)}${']'.repeat(5)}}`, 5), true);
  assert.equal(nestsDeeperThan('', 1), false);
});
