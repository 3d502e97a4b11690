import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executePythonCode, formatPythonRun } from '../../../adapters/tools/execute-python-code.ts';

test('runs code, returns code, stdout and stderr; tells the model when nothing was printed', async () => {
  assert.deepEqual(await executePythonCode('print(6 * 7)'), { returncode: 0, stdout: '42\n', stderr: '', timedOut: false });
  const silent = await executePythonCode('x = 6 * 7');
  assert.match(formatPythonRun(silent), /nothing was printed: use print\(\)/);
  const crash = await executePythonCode('print(1/0)');
  assert.equal(crash.returncode, 1);
  assert.match(crash.stderr, /ZeroDivisionError/);
});

test('a time-out kills the code, output is capped, and the scratch folder is the working directory', async () => {
  const slow = await executePythonCode('import time\ntime.sleep(30)', { timeoutMs: 300 });
  assert.equal(slow.timedOut, true);
  assert.match(slow.stderr, /killed after 300 ms/);
  const flood = await executePythonCode("print('x' * 100000)", { maxOutputBytes: 1000 });
  assert.match(flood.stdout, /more bytes cut/);
  assert.ok(flood.stdout.length < 1100);
  const cwd = await executePythonCode('import os; print(os.getcwd())');
  assert.match(cwd.stdout, /rollcall-python-/);
});
