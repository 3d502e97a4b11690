import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Prng } from '../../../../trainer/selectors/prng.ts';
import {
  permutation,
  sampleDistinct,
  sampleSoftmaxWithoutReplacement,
  topKIndices,
} from '../../../../trainer/selectors/prng-draws.ts';

describe('Prng (xoshiro128**)', () => {
  it('matches the reference outputs for state [1, 2, 3, 4]', () => {
    // First output by hand: rotl(s1·5, 7)·9 = rotl(10, 7)·9 = 1280·9 = 11520. The rest are the
    // published xoshiro128** reference values (checked against an independent Python port).
    const prng = Prng.fromState([1, 2, 3, 4]);
    const outputs = Array.from({ length: 6 }, () => prng.nextUint32());
    assert.deepEqual(outputs, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    assert.deepEqual(prng.state(), [1110993931, 286554632, 2431677446, 2165318166]);
  });

  it('continues the identical sequence after a state round-trip through JSON', () => {
    const original = Prng.fromSeed(42);
    for (let i = 0; i < 10; i += 1) original.nextUint32();
    const resumed = Prng.fromState(JSON.parse(JSON.stringify(original.state())) as number[]);
    const expected = Array.from({ length: 20 }, () => original.nextFloat());
    assert.deepEqual(Array.from({ length: 20 }, () => resumed.nextFloat()), expected);
  });

  it('gives different streams for neighbouring seeds and equal streams for equal seeds', () => {
    assert.equal(Prng.fromSeed(7).nextUint32(), Prng.fromSeed(7).nextUint32());
    assert.notEqual(Prng.fromSeed(7).nextUint32(), Prng.fromSeed(8).nextUint32());
    assert.notEqual(Prng.fromSeed(7).nextUint32(), Prng.fromSeed(7 + 2 ** 32).nextUint32());
  });

  it('nextInt reduces modulo the bound: 11520 % 7 = 5, 0 % 7 = 0, 5927040 % 7 = 0, 70819200 % 7 = 4', () => {
    const prng = Prng.fromState([1, 2, 3, 4]);
    assert.deepEqual([7, 7, 7, 7].map((bound) => prng.nextInt(bound)), [5, 0, 0, 4]);
  });

  it('nextInt rejects outputs in the short top range instead of biasing', () => {
    // bound = 3·2^30 → limit = 2^32 − (2^32 mod bound) = 3·2^30. This state's first output
    // 3489660928 ≥ limit is rejected; the second, 939529856, is returned as is.
    const prng = Prng.fromState([1, 2097152, 1048576, 4]);
    assert.equal(prng.nextInt(3 * 2 ** 30), 939529856);
  });

  it('refuses bad seeds and states', () => {
    assert.throws(() => Prng.fromSeed(1.5), RangeError);
    assert.throws(() => Prng.fromState([0, 0, 0, 0]), RangeError);
    assert.throws(() => Prng.fromState([1, 2, 3]), RangeError);
    assert.throws(() => Prng.fromState([1, 2, 3, 2 ** 32]), RangeError);
  });

  it('floats stay in range and normals have mean 0 and variance 1', () => {
    const prng = Prng.fromSeed(3);
    const draws = 20_000;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < draws; i += 1) {
      const open = prng.nextOpenFloat();
      assert.ok(open > 0 && open < 1);
      const normal = prng.nextNormal();
      sum += normal;
      sumSquares += normal * normal;
    }
    // Standard errors: mean 1/√20000 ≈ 0.007, variance √(2/20000) ≈ 0.01.
    assert.ok(Math.abs(sum / draws) < 0.03);
    assert.ok(Math.abs(sumSquares / draws - 1) < 0.05);
  });
});

describe('index draws', () => {
  it('permutation is Fisher–Yates: state [1,2,3,4], n = 4 gives [1, 2, 3, 0]', () => {
    // i=3: j = 11520 % 4 = 0 → [3,1,2,0]; i=2: j = 0 % 3 = 0 → [2,1,3,0];
    // i=1: j = 5927040 % 2 = 0 → [1,2,3,0].
    assert.deepEqual(permutation(Prng.fromState([1, 2, 3, 4]), 4), [1, 2, 3, 0]);
  });

  it('sampleDistinct is a partial Fisher–Yates: state [1,2,3,4], 3 of 7 gives [5, 1, 2]', () => {
    // i=0: j = 0 + 11520 % 7 = 5 → [5,1,2,3,4,0,6]; i=1: j = 1 + 0 % 6 = 1; i=2: j = 2 + 5927040 % 5 = 2.
    assert.deepEqual(sampleDistinct(Prng.fromState([1, 2, 3, 4]), 7, 3), [5, 1, 2]);
    assert.throws(() => sampleDistinct(Prng.fromSeed(1), 3, 4), RangeError);
  });

  it('topKIndices orders best first and breaks ties by lower index', () => {
    assert.deepEqual(topKIndices([0.1, 0.5, 0.5, -1], 3), [1, 2, 0]);
  });

  it('softmax sampling without replacement follows the sequential multinomial law', () => {
    // p = softmax(ln 5, ln 3, ln 2) = (0.5, 0.3, 0.2). Drawing 2 without replacement, index 2 is
    // included with P = 0.2 + 0.5·(0.2/0.5) + 0.3·(0.2/0.7) = 0.2 + 0.2 + 0.0857 = 0.4857, and
    // index 0 is drawn first with P = 0.5.
    const logits = [Math.log(5), Math.log(3), Math.log(2)];
    const trials = 20_000;
    let includesTwo = 0;
    let zeroFirst = 0;
    const prng = Prng.fromSeed(11);
    for (let i = 0; i < trials; i += 1) {
      const drawn = sampleSoftmaxWithoutReplacement(prng, logits, 2);
      assert.equal(new Set(drawn).size, 2);
      if (drawn.includes(2)) includesTwo += 1;
      if (drawn[0] === 0) zeroFirst += 1;
    }
    // Standard error ≈ √(0.25/20000) ≈ 0.0035.
    assert.ok(Math.abs(includesTwo / trials - 0.4857) < 0.015, `included ${includesTwo / trials}`);
    assert.ok(Math.abs(zeroFirst / trials - 0.5) < 0.015, `first ${zeroFirst / trials}`);
  });
});
