import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blasCheck, modulesCheck, usesReferenceBlas } from '../../../../cli/doctor/python-checks.ts';

const REFERENCE = ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0', '/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0'];
const OPENBLAS = ['/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'];

test('Debian\'s reference BLAS is a problem whose fix is libopenblas0-pthread; OpenBLAS and a built-in BLAS are fine', () => {
  assert.equal(usesReferenceBlas(REFERENCE), true);
  assert.equal(usesReferenceBlas(OPENBLAS), false);
  assert.equal(usesReferenceBlas([]), false, 'pip wheels link MKL into torch itself');
  const reference = blasCheck({ command: 'python3', cpuGflops: 6.2, blasLibraries: REFERENCE });
  assert.equal(reference.status, 'fail');
  assert.match(reference.text, /reference BLAS .*6 GFLOP\/s/);
  assert.match(reference.fix ?? '', /apt-get install libopenblas0-pthread/);
  assert.deepEqual(blasCheck({ command: 'python3', cpuGflops: 211, blasLibraries: OPENBLAS }).status, 'ok');
  assert.equal(blasCheck({ command: 'python3', cpuGflops: 9, blasLibraries: OPENBLAS }).status, 'warn', 'slow without the reference BLAS: worth a word');
});

test('a Python without jinja2 or regex is a problem whose fix names the pip and the Debian packages', () => {
  assert.equal(modulesCheck({ command: 'python3', missingModules: [] }).status, 'ok');
  const missing = modulesCheck({ command: 'python3', executable: '/usr/bin/python3', missingModules: ['regex'] });
  assert.equal(missing.status, 'fail');
  assert.match(missing.text, /\/usr\/bin\/python3 cannot import regex \(/);
  assert.equal(missing.fix, 'pip install regex, or on Debian/Ubuntu apt-get install python3-regex');
});
