import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { range, strftime, templateGlobals } from '../../../../proxy/render/template-globals.ts';

describe('template globals', () => {
  it('strftime_now formats like Python strftime in the C locale', () => {
    const date = new Date(2026, 0, 5, 14, 7, 9);
    assert.equal(strftime(date, '%d %b %Y'), '05 Jan 2026');
    assert.equal(strftime(date, '%A %B %-d, %I:%M:%S %p (%j, %y) 100%% %Q'), 'Monday January 5, 02:07:09 PM (005, 26) 100% %Q');
    assert.equal(strftime(new Date(2026, 11, 31, 0, 0, 0), '%j %I %p'), '365 12 AM');
  });

  it('range follows Python', () => {
    assert.deepEqual(range(3), [0, 1, 2]);
    assert.deepEqual(range(1, 7, 2), [1, 3, 5]);
    assert.deepEqual(range(3, 0, -1), [3, 2, 1]);
    assert.throws(() => range(0, 3, 0), /must not be zero/);
  });

  it('raise_exception hands the template’s message to the caller', () => {
    const globals = templateGlobals((message) => {
      throw new Error(`raised: ${message}`);
    });
    const raise = globals.raise_exception as (message: unknown) => never;
    assert.throws(() => raise('roles must alternate'), /^Error: raised: roles must alternate$/);
  });
});
