import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../doctor/check-report.ts';
import { blasCheck, modulesCheck, WORKER_MODULES } from '../doctor/python-checks.ts';
import { findTorchPython, noPythonMessage } from '../find-python.ts';

/**
 * What `rollcall quickstart` needs before it starts anything, checked with `rollcall doctor`'s
 * probes: a Python that imports torch (with CUDA for `--device cuda`), a BLAS that makes the CPU
 * worker usable, the worker's tokenizer modules, and the policy folder. Each problem carries the
 * exact command that fixes it.
 */
export type Device = 'cpu' | 'cuda';
export type Prerequisites = { checks: Check[]; python: string | null };

const TORCH_FIX = 'pip install torch, or on Debian/Ubuntu apt-get install python3-torch libopenblas0-pthread';

/** A Hugging Face model folder the worker can load: config, weights, tokenizer. */
export function policyCheck(dir: string, buildHint: string): Check {
  const missing = ['config.json', 'tokenizer.json', 'tokenizer_config.json'].filter((name) => !existsSync(join(dir, name)));
  const hasWeights = existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.safetensors'));
  if (!hasWeights) missing.push('*.safetensors');
  if (missing.length === 0) return { status: 'ok', text: `policy: ${dir}` };
  return { status: 'fail', text: `policy ${dir} lacks ${missing.join(', ')}`, fix: buildHint };
}

export async function checkPrerequisites(device: Device, policyDir: string, buildHint: string, env: NodeJS.ProcessEnv = process.env): Promise<Prerequisites> {
  const choice = await findTorchPython(env, { blas: true, modules: WORKER_MODULES.map((m) => m.name) });
  const policy = policyCheck(policyDir, buildHint);
  const report = choice.chosen;
  if (report === null) return { python: null, checks: [{ status: 'fail', text: noPythonMessage(choice, env), fix: TORCH_FIX }, policy] };
  const python = report.executable ?? report.command;
  const checks: Check[] = [{ status: 'ok', text: `Python ${report.python} with torch ${report.torch}: ${python}` }];
  if (device === 'cuda') {
    checks.push(report.cuda === true
      ? { status: 'ok', text: `CUDA: ${report.gpus?.join(', ')}` }
      : { status: 'fail', text: `torch ${report.torch} in ${python} sees no CUDA device`, fix: 'install a CUDA build of torch (pip install torch on a machine with an NVIDIA driver), or run on the CPU: rollcall quickstart --device cpu' });
  }
  const blas = blasCheck(report);
  // On a GPU the worker's matrix products do not go through the CPU BLAS: a slow one only warns.
  checks.push(device === 'cuda' && blas.status === 'fail' ? { ...blas, status: 'warn' } : blas);
  checks.push(modulesCheck(report), policy);
  return { python, checks };
}
