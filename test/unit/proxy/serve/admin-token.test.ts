import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveAdminToken } from '../../../../proxy/serve/admin-token.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'rollcall-token-'));

describe('resolveAdminToken', () => {
  it('takes a configured token of 16 or more non-space characters as it is', () => {
    assert.equal(resolveAdminToken('0123456789abcdef', join(dir(), 'token')).token, '0123456789abcdef');
  });

  for (const [name, token, says] of [
    ['15 characters', '0123456789abcde', /is 15 characters long; use at least 16/],
    ['empty', '', /is 0 characters long/],
    ['spaces only', '                    ', /contains whitespace/],
    ['a newline inside', '0123456789\nabcdefgh', /contains whitespace/],
  ] as const) {
    it(`refuses a configured token that is ${name}, in one line`, () => {
      assert.throws(() => resolveAdminToken(token, join(dir(), 'token')), (error: Error) => says.test(error.message) && !error.message.includes('\n'));
    });
  }

  it('reads a file token without its trailing newline and warns when group or others can read the file', () => {
    const file = join(dir(), 'token');
    writeFileSync(file, 'file-token-0123456789\n', { mode: 0o600 });
    assert.deepEqual(resolveAdminToken(undefined, file), { token: 'file-token-0123456789', where: `read from ${file}`, warning: null });
    chmodSync(file, 0o640);
    assert.match(resolveAdminToken(undefined, file).warning ?? '', /readable by group or others \(mode 0640\); run chmod 600/);
  });

  it('refuses a file token that is short or whitespace', () => {
    const file = join(dir(), 'token');
    writeFileSync(file, 'short\n', { mode: 0o600 });
    assert.throws(() => resolveAdminToken(undefined, file), /admin token in .* is 5 characters long/);
    writeFileSync(file, `${' '.repeat(30)}\n`, { mode: 0o600 });
    assert.throws(() => resolveAdminToken(undefined, file), /contains whitespace/);
  });

  it('generates a token into a new file only its owner can read', () => {
    const file = join(dir(), 'nested', 'token');
    const source = resolveAdminToken(undefined, file);
    assert.ok(source.token.length >= 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });
});
