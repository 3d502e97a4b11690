import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helpText, parseCommandLine, readNumberFlag, usageLine, type CommandSpec } from '../../../../src/config/command-line.ts';

const SPEC = {
  name: 'demo',
  summary: 'a command for the test',
  positionals: 'get REPO',
  flags: {
    conf: { type: 'string', value: 'FILE.yaml', required: true, help: 'the configuration' },
    set: { type: 'string', value: 'KEY=VALUE', multiple: true, help: 'an override' },
    quiet: { type: 'boolean', short: 'q', help: 'say less' },
  },
} as const satisfies CommandSpec;

test('the usage line and the help come from the flag table', () => {
  assert.equal(usageLine(SPEC), 'usage: rollcall demo get REPO --conf FILE.yaml [--set KEY=VALUE...] [--quiet]');
  const help = helpText(SPEC);
  assert.match(help, /^rollcall demo: a command for the test\n/);
  assert.match(help, /^ {2}-q, --quiet +say less$/m);
  assert.match(help, /^ {6}--conf FILE\.yaml +the configuration$/m);
  assert.match(help, /^ {2}-h, --help +show this help$/m);
});

test('parsing: values typed by the table, required flags, help anywhere, unknown flags refused', () => {
  const parsed = parseCommandLine(SPEC, ['get', 'x/y', '--conf', 'a.yaml', '--set', 'a=1', '--set', 'b=2', '-q']);
  assert.equal(parsed.kind, 'ok');
  if (parsed.kind === 'ok') {
    assert.deepEqual({ ...parsed.values }, { conf: 'a.yaml', set: ['a=1', 'b=2'], quiet: true });
    assert.deepEqual(parsed.positionals, ['get', 'x/y']);
  }
  assert.deepEqual(parseCommandLine(SPEC, ['--nope', '--help']), { kind: 'help' });
  assert.deepEqual(parseCommandLine(SPEC, ['-q']), { kind: 'error', message: '--conf is required' });
  const unknown = parseCommandLine(SPEC, ['--conf', 'a', '--cnof', 'b']);
  assert.equal(unknown.kind, 'error');
  assert.match(unknown.kind === 'error' ? unknown.message : '', /Unknown option '--cnof'/);
});

test('numeric flags: absent, accepted, or refused with what was expected and exit code 2', () => {
  const said: string[] = [];
  const io = { stderr: { write: (text: string) => said.push(text) } };
  const exitCode = process.exitCode;
  try {
    assert.equal(readNumberFlag('demo', 'steps', undefined, { integer: true, min: 1 }, io), undefined);
    assert.equal(readNumberFlag('demo', 'steps', '40', { integer: true, min: 1 }, io), 40);
    assert.equal(readNumberFlag('demo', 'port', '65535', { integer: true, min: 0, max: 65535 }, io), 65535);
    assert.equal(readNumberFlag('demo', 'minutes', '2.5', { integer: false, above: 0 }, io), 2.5);
    assert.equal(said.length, 0);
    const refused: [string, Parameters<typeof readNumberFlag>[3], string][] = [
      ['0', { integer: true, min: 1 }, 'rollcall demo: --x must be an integer of at least 1, not "0"\n'],
      ['1.5', { integer: true, min: 1 }, 'rollcall demo: --x must be an integer of at least 1, not "1.5"\n'],
      ['', { integer: true, min: 0 }, 'rollcall demo: --x must be an integer of at least 0, not ""\n'],
      ['65536', { integer: true, min: 0, max: 65535 }, 'rollcall demo: --x must be an integer from 0 to 65535, not "65536"\n'],
      ['0', { integer: false, above: 0 }, 'rollcall demo: --x must be a number above 0, not "0"\n'],
      ['soon', { integer: false, above: 0 }, 'rollcall demo: --x must be a number above 0, not "soon"\n'],
    ];
    for (const [text, range, message] of refused) {
      process.exitCode = 0;
      assert.equal(readNumberFlag('demo', 'x', text, range, io), null, text);
      assert.equal(said.pop(), message);
      assert.equal(process.exitCode, 2);
    }
  } finally {
    process.exitCode = exitCode;
  }
});
