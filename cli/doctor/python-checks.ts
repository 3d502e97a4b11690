/**
 * The Python/torch set-up the GPU worker needs, as `rollcall doctor` reports it. A torch that
 * does its CPU matrix products through the reference BLAS (Debian's `libblas3`, the default
 * `libblas.so.3` when nothing better is installed) is some 35× slower than through OpenBLAS
 * (measured here: 6 against 211 GFLOP/s), which makes the worker's CPU paths and tests crawl.
 */
import type { Check } from './check-report.ts';
import { findTorchPython, noPythonMessage, type PythonReport } from '../find-python.ts';

/**
 * What the worker imports besides torch to run a model without transformers: its own tokenizer
 * (`regex` for the pre-tokenizer's patterns) and chat template (`jinja2`), with their packages.
 */
export const WORKER_MODULES = [
  { name: 'jinja2', pip: 'jinja2', debian: 'python3-jinja2' },
  { name: 'regex', pip: 'regex', debian: 'python3-regex' },
] as const;

/** Below this a CPU matmul is slow enough to say so, whatever the library. */
const SLOW_GFLOPS = 15;

/** Debian's reference BLAS lives in `…/blas/libblas.so.3`; OpenBLAS and MKL in folders of their own. */
export function usesReferenceBlas(libraries: readonly string[]): boolean {
  return libraries.some((path) => /\/blas\/libblas\.so/.test(path)) && !libraries.some((path) => /openblas|mkl|blis|atlas/i.test(path));
}

/** The BLAS verdict for one interpreter's report. */
export function blasCheck(report: PythonReport): Check {
  const gflops = report.cpuGflops === undefined ? 'not measured' : `${report.cpuGflops.toFixed(0)} GFLOP/s`;
  const libraries = report.blasLibraries ?? [];
  const library = libraries.find((path) => /openblas|mkl|blis|blas/i.test(path)) ?? 'a BLAS built into torch';
  if (usesReferenceBlas(libraries)) {
    return { status: 'fail', text: `torch multiplies matrices with the reference BLAS (${library}): CPU matmul ${gflops}`, fix: 'apt-get install libopenblas0-pthread (the libblas.so.3 alternative then points at OpenBLAS)' };
  }
  if (report.cpuGflops !== undefined && report.cpuGflops < SLOW_GFLOPS) {
    return { status: 'warn', text: `CPU matmul ${gflops} through ${library}: slow (other work on this machine, or few cores)` };
  }
  return { status: 'ok', text: `CPU matmul ${gflops} through ${library}` };
}

/** The modules verdict for one interpreter's report (probed with `modules: WORKER_MODULES`). */
export function modulesCheck(report: PythonReport): Check {
  const missing = WORKER_MODULES.filter((m) => report.missingModules?.includes(m.name));
  if (missing.length === 0) return { status: 'ok', text: `modules for a model without transformers: ${WORKER_MODULES.map((m) => m.name).join(', ')}` };
  return {
    status: 'fail',
    text: `${report.executable ?? report.command} cannot import ${missing.map((m) => m.name).join(', ')} (the worker's tokenizer and chat template need them)`,
    fix: `pip install ${missing.map((m) => m.pip).join(' ')}, or on Debian/Ubuntu apt-get install ${missing.map((m) => m.debian).join(' ')}`,
  };
}

export async function checkPython(env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const choice = await findTorchPython(env, { blas: true, modules: WORKER_MODULES.map((m) => m.name) });
  const passed = choice.tried.filter((r) => r !== choice.chosen).map((r): Check => ({ status: 'ok', text: `${r.command}${r.executable === undefined ? '' : ` (${r.executable})`} skipped: ${r.error}` }));
  if (choice.chosen === null) {
    return [{ status: 'fail', text: noPythonMessage(choice, env), fix: 'the worker (rollcall worker, learner.type: worker) needs torch; a debug run does not' }];
  }
  const report = choice.chosen;
  const device = report.cuda === true ? `CUDA: ${report.gpus?.join(', ')}` : 'no CUDA (CPU only: fine for tests, not for training a real model)';
  return [
    ...passed,
    { status: 'ok', text: `rollcall worker runs ${report.executable ?? report.command}: Python ${report.python}, torch ${report.torch}, ${device}` },
    blasCheck(report),
    modulesCheck(report),
  ];
}
