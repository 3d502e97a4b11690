import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeadBuffer, TailBuffer } from '../../../../trainer/workflows/bounded-buffers.ts';
import { readStdoutJson } from '../../../../trainer/workflows/command-stdout.ts';

describe('readStdoutJson', () => {
  it('reads the last non-empty line after log lines', () => {
    assert.deepEqual(readStdoutJson('loading model\nstep 1\n{"response":"a"}\n\n'), { ok: true, value: { response: 'a' } });
    assert.deepEqual(readStdoutJson('{"response":"first"}\r\n{"response":"last"}\r\n'), {
      ok: true,
      value: { response: 'last' },
    });
  });

  it('reads a pretty-printed document as a whole', () => {
    assert.deepEqual(readStdoutJson('{\n  "reward": 1\n}\n'), { ok: true, value: { reward: 1 } });
  });

  it('explains empty and non-JSON stdout', () => {
    assert.deepEqual(readStdoutJson(' \n'), {
      ok: false,
      message: 'bad workflow output: stdout is empty; print the output as one JSON line',
    });
    assert.deepEqual(readStdoutJson('{"response":\nDone.'), {
      ok: false,
      message: 'bad workflow output: the last line of stdout is not JSON: Done.',
    });
  });
});

describe('bounded buffers', () => {
  it('HeadBuffer keeps everything up to the limit and flags overflow', () => {
    const head = new HeadBuffer(8);
    assert.equal(head.push(Buffer.from('1234')), true);
    assert.equal(head.push(Buffer.from('5678')), true);
    assert.equal(head.text(), '12345678');
    assert.equal(head.push(Buffer.from('9')), false);
    assert.equal(head.overflowed, true);
  });

  it('TailBuffer keeps the last bytes and says how many were dropped', () => {
    const tail = new TailBuffer(6);
    for (const piece of ['abc', 'def', 'ghi', 'jk']) tail.push(Buffer.from(piece));
    assert.equal(tail.text(), '[… 5 earlier bytes dropped]\nfghijk');
    const small = new TailBuffer(100);
    small.push(Buffer.from('all of it'));
    assert.equal(small.text(), 'all of it');
  });
});
