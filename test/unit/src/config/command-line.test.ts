import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helpText, parseCommandLine, usageLine, type CommandSpec } from '../../../../src/config/command-line.ts';

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
