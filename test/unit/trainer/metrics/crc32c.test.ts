import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  crc32c,
  maskCrc32c,
  maskedCrc32c,
  unmaskCrc32c,
} from '../../../../trainer/metrics/crc32c.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('crc32c', () => {
  it('matches the standard check value: crc32c("123456789") = 0xE3069283', () => {
    assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  });

  it('matches the RFC 3720 (iSCSI) test vectors', () => {
    assert.equal(crc32c(new Uint8Array(0)), 0);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  });

  it('is not the zlib CRC-32 (whose check value is 0xCBF43926)', () => {
    assert.notEqual(crc32c(ascii('123456789')), 0xcbf43926);
  });

  it('continues over data split into pieces', () => {
    const whole = ascii('The quick brown fox jumps over the lazy dog');
    for (const cut of [0, 1, 7, 20, whole.length]) {
      const first = crc32c(whole.subarray(0, cut));
      assert.equal(crc32c(whole.subarray(cut), first), crc32c(whole), `cut at ${cut}`);
    }
  });
});

describe('TFRecord masking', () => {
  it('rotates right by 15 and adds 0xa282ead8 modulo 2^32', () => {
    // rotr15(1) = 1 << 17 = 0x20000; + 0xa282ead8 = 0xa284ead8.
    assert.equal(maskCrc32c(1), 0xa284ead8);
    // rotr15(0xe3069283) = 0x2507c60d; 0x2507c60d + 0xa282ead8 = 0xc78ab0e5.
    assert.equal(maskCrc32c(0xe3069283), 0xc78ab0e5);
    // Overflow wraps: rotr15(0xffffffff) = 0xffffffff; + 0xa282ead8 = 0x1a282ead7 → 0xa282ead7.
    assert.equal(maskCrc32c(0xffffffff), 0xa282ead7);
  });

  it('is undone by unmask for any value', () => {
    for (const crc of [0, 1, 0x7fffffff, 0x80000000, 0xe3069283, 0xffffffff, 0x12345678]) {
      assert.equal(unmaskCrc32c(maskCrc32c(crc)), crc);
    }
  });

  it('masks the CRC of a record length as TensorFlow does (24 → 0x224b7fa3)', () => {
    // The length prefix of a 24-byte record; the value comes from Python's crc32c package.
    const length = Uint8Array.from([24, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(maskedCrc32c(length), 0x224b7fa3);
  });
});
