import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Field, Int32, List, Map_, Struct, Utf8, vectorFromArray } from 'apache-arrow';
import { toPlainJson } from '../../../../trainer/tasks/plain-json.ts';

describe('toPlainJson', () => {
  it('keeps safe 64-bit integers as numbers and writes larger ones as exact decimal text', () => {
    assert.equal(toPlainJson(42n), 42);
    assert.equal(toPlainJson(-(2n ** 53n) + 1n), -9007199254740991);
    assert.equal(toPlainJson(2n ** 63n - 1n), '9223372036854775807');
    assert.deepEqual(toPlainJson(BigInt64Array.from([1n, 2n ** 62n])), [1, '4611686018427387904']);
  });

  it('writes dates as ISO text, bytes as base64 and non-finite numbers as null', () => {
    assert.equal(toPlainJson(new Date(Date.UTC(2024, 0, 2))), '2024-01-02T00:00:00.000Z');
    assert.equal(toPlainJson(Uint8Array.from([104, 105])), 'aGk=');
    assert.deepEqual(toPlainJson(Float32Array.from([0.5, 2])), [0.5, 2]);
    assert.equal(toPlainJson(Number.NaN), null);
    assert.equal(toPlainJson(undefined), null);
  });

  it('turns nested Arrow lists, maps and plain structures into arrays and objects', () => {
    const lists = vectorFromArray([[1, 2, 3]], new List(new Field('item', new Int32(), true)));
    assert.deepEqual(toPlainJson(lists.get(0)), [1, 2, 3]);
    const entries = new Struct([new Field('key', new Utf8()), new Field('value', new Utf8(), true)]);
    const maps = vectorFromArray([new Map([['k', 'v']])], new Map_(new Field('entries', entries)));
    assert.deepEqual(toPlainJson(maps.get(0)), { k: 'v' });
    assert.deepEqual(toPlainJson({ a: [1n, { b: new Map([['c', 2n]]) }] }), { a: [1, { b: { c: 2 } }] });
  });
});
