import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChoiceNode, PlacedCall } from '../../../../src/trajectory/call-tree.ts';
import { SequenceIndex } from '../../../../src/trajectory/sequence-index.ts';
import { extendHash, firstDifference, prefixHashes } from '../../../../src/trajectory/token-hash.ts';
import { choice } from './rollout-fixture.ts';

let nextCallId = 1;
function node(promptIds: number[], completionIds: number[], hash?: number): ChoiceNode {
  const placed: PlacedCall = {
    call: { callId: nextCallId++, seq: 0, status: 'completed', trainable: true, promptIds, choices: [], policyVersion: 1, extendsCallId: null },
    promptHash: prefixHashes(promptIds)[promptIds.length]!,
    parent: null,
    nodes: [],
    drift: null,
    hasSyntheticEos: false,
    isDropped: false,
  };
  const made: ChoiceNode = {
    placed,
    choice: choice(completionIds),
    length: promptIds.length + completionIds.length,
    hash: hash ?? prefixHashes([...promptIds, ...completionIds]).at(-1)!,
    isTrainable: true,
    extendedBy: [],
  };
  placed.nodes.push(made);
  return made;
}

const always = (): boolean => true;
const never = (): boolean => false;

test('prefix hashes: entry k is the hash of the first k tokens, continuable', () => {
  const ids = [7, 151645, 0, 3, 3];
  const hashes = prefixHashes(ids);
  assert.equal(hashes.length, ids.length + 1);
  assert.equal(extendHash(hashes[2]!, ids.slice(2)), hashes[5]);
  assert.equal(prefixHashes(ids.slice(0, 3))[3], hashes[3]);
  assert.notEqual(prefixHashes([1, 2])[2], prefixHashes([2, 1])[2]);
});

test('firstDifference finds the first mismatch or the shorter length', () => {
  assert.equal(firstDifference([1, 2, 9, 4], [1, 2], [3, 4]), 2);
  assert.equal(firstDifference([1, 2], [1, 2], [3]), 2);
  assert.equal(firstDifference([1, 2, 3, 4], [1], [2, 3]), 3);
});

test('the longest sequence a prompt starts with wins', () => {
  const index = new SequenceIndex();
  const short = node([1, 2], [3]);
  const long = node([1, 2, 3, 4], [5]);
  const unrelated = node([9, 9], [9, 9, 9, 9]);
  for (const n of [short, long, unrelated]) index.add(n);
  const prompt = [1, 2, 3, 4, 5, 6, 7];
  assert.equal(index.longestPrefix(prompt, prefixHashes(prompt), always, never), long);
  const other = [1, 2, 3, 8];
  assert.equal(index.longestPrefix(other, prefixHashes(other), always, never), short);
  const none = [2, 2, 2, 2, 2, 2];
  assert.equal(index.longestPrefix(none, prefixHashes(none), always, never), null);
});

test('a hash hit whose tokens differ is not a match', () => {
  const index = new SequenceIndex();
  const prompt = [1, 2, 3, 4, 5];
  // A forged node that collides with the prompt's 3-token prefix hash but holds other tokens.
  const forged = node([1, 2], [8], prefixHashes(prompt)[3]);
  const real = node([1], [2]);
  index.add(forged);
  index.add(real);
  assert.equal(index.longestPrefix(prompt, prefixHashes(prompt), always, never), real);
});

test('equal sequences resolve to the preferred node, else the latest; accept filters', () => {
  const index = new SequenceIndex();
  const a = node([1, 2], [3]);
  const b = node([1, 2], [3]);
  index.add(a);
  index.add(b);
  const prompt = [1, 2, 3, 4];
  const hashes = prefixHashes(prompt);
  assert.equal(index.longestPrefix(prompt, hashes, always, never), b);
  assert.equal(index.longestPrefix(prompt, hashes, always, (n) => n === a), a);
  assert.equal(index.longestPrefix(prompt, hashes, (n) => n !== b && n !== a, never), null);
});
