import { execFile } from 'node:child_process';

/**
 * Which Python runs the GPU worker: `ROLLCALL_PYTHON` when set (and then only it), else the first
 * of `python3`, `python` (an activated virtual environment comes first on PATH) and
 * `/usr/bin/python3` (Debian's `python3-torch`) that can import torch. Each is asked once, in a
 * child process, what it is; the answer also carries what `rollcall doctor` reports.
 */
export const PYTHON_CANDIDATES = ['python3', 'python', '/usr/bin/python3'] as const;

/** What one interpreter said about itself (`error` when it cannot import torch). */
export type PythonReport = {
  command: string;
  executable?: string;
  python?: string;
  torch?: string;
  cuda?: boolean;
  gpus?: string[];
  /** Shared BLAS/LAPACK libraries mapped after a matmul, resolved through symlinks. */
  blasLibraries?: string[];
  /** float32 matmul throughput on the CPU, 512×512, measured for half a second. */
  cpuGflops?: number;
  /** Which of the modules asked about (`modules` option) cannot be found. */
  missingModules?: string[];
  error?: string;
};

const PROBE = String.raw`
import importlib.util, json, os, sys, time
info = {"executable": sys.executable, "python": sys.version.split()[0]}
try:
    import torch
except BaseException as error:
    info["error"] = "%s: %s" % (type(error).__name__, error)
    print(json.dumps(info))
    sys.exit(0)
info["torch"] = torch.__version__
info["cuda"] = bool(torch.cuda.is_available())
info["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if info["cuda"] else []
if "--blas" in sys.argv:
    n = 512
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.5:
        torch.mm(a, b)
        reps += 1
    info["cpuGflops"] = 2 * n ** 3 * reps / (time.perf_counter() - start) / 1e9
    libraries = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and any(word in os.path.basename(fields[-1]) for word in ("blas", "lapack", "mkl")):
                libraries.add(os.path.realpath(fields[-1]))
    info["blasLibraries"] = sorted(libraries)
if "--modules" in sys.argv:
    names = sys.argv[sys.argv.index("--modules") + 1].split(",")
    info["missingModules"] = [name for name in names if importlib.util.find_spec(name) is None]
print(json.dumps(info))
`;

export type ProbeOptions = { blas?: boolean; modules?: readonly string[]; timeoutMs?: number };

/** Asks one interpreter what it is; never throws. */
export function probePython(command: string, options: ProbeOptions = {}): Promise<PythonReport> {
  return new Promise((resolve) => {
    const args = ['-c', PROBE, ...(options.blas === true ? ['--blas'] : []), ...(options.modules === undefined ? [] : ['--modules', options.modules.join(',')])];
    execFile(command, args, { timeout: options.timeoutMs ?? 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ command, ...(JSON.parse(line) as Omit<PythonReport, 'command'>) });
      } catch {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : (stderr.trim().split('\n').at(-1) ?? error?.message ?? 'no answer');
        resolve({ command, error: why });
      }
    });
  });
}

export type PythonChoice = { chosen: PythonReport | null; tried: PythonReport[] };

/** The interpreter the worker runs with, and every one asked on the way. */
export async function findTorchPython(env: NodeJS.ProcessEnv = process.env, options: Omit<ProbeOptions, 'timeoutMs'> = {}): Promise<PythonChoice> {
  const configured = env.ROLLCALL_PYTHON;
  const candidates = configured !== undefined && configured !== '' ? [configured] : [...PYTHON_CANDIDATES];
  const tried: PythonReport[] = [];
  for (const command of candidates) {
    const report = await probePython(command, options);
    tried.push(report);
    if (report.error === undefined) return { chosen: report, tried };
  }
  return { chosen: null, tried };
}

/** Why no interpreter would do, and what to do about it, in one paragraph. */
export function noPythonMessage(choice: PythonChoice, env: NodeJS.ProcessEnv = process.env): string {
  const tried = choice.tried.map((r) => `${r.command}${r.executable === undefined ? '' : ` (${r.executable})`}: ${r.error}`).join('; ');
  const fix = env.ROLLCALL_PYTHON
    ? 'install torch into it, or unset ROLLCALL_PYTHON to look for another'
    : 'install torch (pip install torch, or on Debian/Ubuntu apt-get install python3-torch libopenblas0-pthread) or set ROLLCALL_PYTHON to a Python that has it';
  return `no Python that can import torch (${tried}); ${fix}`;
}
