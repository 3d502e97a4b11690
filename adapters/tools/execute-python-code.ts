import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one run of `execute_python_code` returned; the model sees all three. */
export type PythonRun = { returncode: number | null; stdout: string; stderr: string; timedOut: boolean };

export type PythonRunOptions = {
  /** Default 10 s; the process is killed after it. */
  timeoutMs?: number;
  /** Bytes kept of stdout and of stderr each (default 8 KiB); the rest is cut and marked. */
  maxOutputBytes?: number;
  /** Default `python3`. */
  python?: string;
  signal?: AbortSignal;
};

/** The tool's JSON schema, as OpenAI-style `tools` take it. */
export const EXECUTE_PYTHON_CODE_TOOL = {
  type: 'function',
  function: {
    name: 'execute_python_code',
    description: 'Run Python 3 code and return its return code, stdout and stderr. Only what the code prints is shown: use print().',
    parameters: {
      type: 'object',
      properties: { code: { type: 'string', description: 'The Python code to run' } },
      required: ['code'],
    },
  },
} as const;

/** Keeps the first `limit` bytes of a stream and counts the rest. */
class CappedOutput {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private seenBytes = 0;
  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    this.seenBytes += chunk.length;
    const room = this.limit - this.keptBytes;
    if (room <= 0) return;
    const piece = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.kept.push(piece);
    this.keptBytes += piece.length;
  }

  text(): string {
    const text = Buffer.concat(this.kept).toString('utf8');
    return this.seenBytes > this.keptBytes ? `${text}\n[… ${this.seenBytes - this.keptBytes} more bytes cut]` : text;
  }
}

/**
 * Runs model-written code with `python3` in a fresh scratch directory (removed afterwards), with a
 * time-out and an output cap. Never throws for what the code does: a crash is a non-zero return
 * code with its traceback in stderr, which is what the model should see.
 *
 * @example
 * const run = await executePythonCode('print(6 * 7)');
 * // → { returncode: 0, stdout: '42\n', stderr: '', timedOut: false }
 */
export async function executePythonCode(code: string, options: PythonRunOptions = {}): Promise<PythonRun> {
  const limit = options.maxOutputBytes ?? 8192;
  const scratch = await mkdtemp(join(tmpdir(), 'rollcall-python-'));
  try {
    await writeFile(join(scratch, 'main.py'), code);
    return await new Promise<PythonRun>((resolve) => {
      const child = spawn(options.python ?? 'python3', ['main.py'], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', HOME: scratch } });
      const out = new CappedOutput(limit);
      const err = new CappedOutput(limit);
      let timedOut = false;
      child.stdout.on('data', (chunk: Buffer) => out.add(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.add(chunk));
      const kill = () => child.kill('SIGKILL');
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, options.timeoutMs ?? 10_000);
      options.signal?.addEventListener('abort', kill, { once: true });
      child.on('error', (error) => {
        clearTimeout(timer);
        resolve({ returncode: null, stdout: '', stderr: `could not start python: ${error.message}`, timedOut: false });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', kill);
        const stderr = err.text() + (timedOut ? `\n[killed after ${options.timeoutMs ?? 10_000} ms]` : '');
        resolve({ returncode: code, stdout: out.text(), stderr, timedOut });
      });
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The tool result text a model sees. */
export function formatPythonRun(run: PythonRun): string {
  const hint = run.returncode === 0 && run.stdout === '' ? '\n(nothing was printed: use print() to see values)' : '';
  return `returncode: ${run.returncode ?? 'none'}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}${hint}`;
}
