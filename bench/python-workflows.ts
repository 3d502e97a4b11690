/**
 * `npm run bench:python`: rollouts per second of the Python math agent served by one Python
 * process (`workflow: {type: python}`) against the same agent run as a command, one Python
 * process per rollout (`type: command`), measured in the same run, through the real CLI
 * (`node bin/rollcall.js train --backbone debug`, compiled dist/). The TypeScript openai-sdk
 * flavour (an in-process module) runs too, for reference.
 *
 * Two workloads, each against its own scripted instance of the test suite's vLLM-protocol fake
 * engine (token mode): *tool* — a tool call that prints, then the boxed answer (two chat calls
 * and one `execute_python_code` subprocess per rollout, as in training); *answer* — the boxed
 * answer at once (one chat call: what the runner itself costs shows). The Python variants are
 * judged by examples/math-agent/python_judge.py (served), the TypeScript one by the built-in
 * math judge. `python3` on the runs' PATH is the benchmarked interpreter, so every tool
 * subprocess starts the same Python. Trials alternate between variants (A B C, C B A, …) so a
 * slow spell on the shared box hits all. Besides rates it reports CPU per rollout of the whole
 * `rollcall train` process tree (the children's CPU the kernel adds to this driver when it reaps
 * them), a figure that other load on the box barely moves. Prints the tables and writes its
 * section of bench/RESULTS.md. Flags: --trials N (3), --steps N (2), --tasks-per-step N (8),
 * --python PATH (/usr/bin/python3), --out FILE.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { delimiter, dirname } from 'node:path';
import { startFakeEngine, type FakeEngine } from '../test/fake-engine/server.ts';
import { GSM8K_DIR, readGsm8k } from '../test/support/gsm8k-scripts.ts';
import { createSelector } from '../trainer/selectors/create-selector.ts';
import { ForeignLoadMonitor } from './foreign-load.ts';
import { replaceSection } from './results-sections.ts';
import { median } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'math-agent');
const { values: flags } = parseArgs({
  options: {
    trials: { type: 'string', default: '3' },
    steps: { type: 'string', default: '2' },
    'tasks-per-step': { type: 'string', default: '8' },
    python: { type: 'string', default: process.env.PYTHON ?? '/usr/bin/python3' },
    out: { type: 'string', default: join(ROOT, 'bench', 'RESULTS.md') },
  },
});
const trials = Number(flags.trials);
const steps = Number(flags.steps);
const tasksPerStep = Number(flags['tasks-per-step']);
const GROUP_SIZE = 4;
const CONCURRENCY = 16;
const python = flags.python;

type Variant = { name: string; what: string; workflow: Record<string, unknown>; judge: Record<string, unknown> };
const pythonJudge = { type: 'python', module: join(EXAMPLE, 'python_judge.py:judge') };
const VARIANTS: Variant[] = [
  { name: 'command', what: 'Python, `type: command` (one process per rollout)', workflow: { type: 'command', command: [python, join(EXAMPLE, 'python_agent.py')], env: { PYTHONPATH: join(ROOT, 'adapters', 'python') } }, judge: pythonJudge },
  { name: 'served', what: 'Python, `type: python` (one process, many rollouts)', workflow: { type: 'python', module: join(EXAMPLE, 'python_agent.py:workflow'), python }, judge: pythonJudge },
  { name: 'typescript', what: 'TypeScript module (openai-sdk flavour), reference', workflow: { type: 'module', module: join(EXAMPLE, 'openai-sdk-agent.ts#mathAgent') }, judge: { type: 'math' } },
];

const WORKLOADS = ['tool', 'answer'] as const;
type Workload = (typeof WORKLOADS)[number];
type Trial = { workload: Workload; variant: string; wallS: number; cpuS: number; stepRates: number[]; failed: number; foreignCores: number };

/** Scripts the tasks the runs' selector (shuffle, seed 42) serves: every one answered right. */
function scriptTasks(engine: FakeEngine, workload: Workload): void {
  const rows = readGsm8k('train');
  const selector = createSelector({ config: { type: 'shuffle', seed: 42 }, taskCount: rows.length });
  for (const index of selector.next(steps * tasksPerStep)) {
    const row = rows[index]!;
    const answer = (row.answer.split('####').pop() ?? '').trim().replace(/,/g, '');
    const boxed = `The answer is \\boxed{${answer}}.`;
    const replies = workload === 'tool' ? [`<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(${answer})"}}\n</tool_call>`, boxed] : [boxed];
    engine.scriptWhen(row.question.slice(0, 80), replies);
  }
}

/** CPU seconds of this driver's reaped children (utime + stime of every waited-for descendant). */
function childrenCpuS(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime (fields 16 and 17 of the line)
}

function writeConfig(dir: string, variant: Variant, engineUrl: string): string {
  const config = {
    project: 'bench-python', experiment: variant.name, runsDir: join(dir, 'runs'),
    proxy: { engine: { kind: 'vllm', upstreams: [engineUrl], mode: 'auto' } },
    tasks: { train: { type: 'jsonl', path: join(GSM8K_DIR, 'train.jsonl') }, selector: { type: 'shuffle', seed: 42 } },
    workflow: { ...variant.workflow, timeoutMs: 120_000 },
    judge: { ...variant.judge, madness: { checks: [] } },
    rollout: { groupSize: GROUP_SIZE, concurrency: CONCURRENCY, limits: { maxCalls: 8, maxTokensPerTurn: 1024 } },
    learner: { type: 'debug' },
    schedule: { steps, tasksPerStep, evalEvery: 0, checkpointEvery: 0 },
  };
  const file = join(dir, `${variant.name}.yaml`);
  writeFileSync(file, JSON.stringify(config, null, 2)); // YAML is a superset of JSON
  return file;
}

function trainOnce(conf: string): Promise<{ wallS: number; cpuS: number; runsDir: string }> {
  const started = performance.now();
  const cpuBefore = childrenCpuS();
  const env = { ...process.env, PATH: `${dirname(python)}${delimiter}${process.env.PATH ?? ''}` };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'rollcall.js'), 'train', '--conf', conf], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`rollcall train ${conf} exited with ${code}:\n${output.slice(-2000)}`));
      else resolve({ wallS: (performance.now() - started) / 1000, cpuS: childrenCpuS() - cpuBefore, runsDir: output.match(/run folder: (.+)$/m)?.[1]?.trim() ?? '' });
    });
  });
}

function readSteps(runDir: string): { rates: number[]; failed: number } {
  const rows = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>);
  return { rates: rows.map((row) => row['throughput/rollouts_per_s'] ?? NaN), failed: rows.reduce((n, row) => n + (row['rollouts/failed'] ?? 0), 0) };
}

function table(results: Trial[], workload: Workload): string {
  const rollouts = steps * tasksPerStep * GROUP_SIZE;
  const byName = (name: string) => results.filter((t) => t.workload === workload && t.variant === name);
  const endToEnd = (t: Trial) => rollouts / t.wallS;
  const cpuMs = (t: Trial) => (t.cpuS * 1000) / rollouts;
  const commandRate = median(byName('command').map(endToEnd));
  const commandCpu = median(byName('command').map(cpuMs));
  const rows = VARIANTS.map((variant) => {
    const mine = byName(variant.name);
    const e2e = mine.map(endToEnd);
    return `| ${variant.what} | ${median(e2e).toFixed(2)} | ${e2e.map((r) => r.toFixed(2)).join(', ')} | ${(median(e2e) / commandRate).toFixed(2)}× | ` +
      `${median(mine.flatMap((t) => t.stepRates)).toFixed(2)} | ${median(mine.map(cpuMs)).toFixed(0)} | ${(commandCpu / median(mine.map(cpuMs))).toFixed(2)}× | ` +
      `${median(mine.map((t) => t.wallS)).toFixed(1)} s | ${mine.reduce((n, t) => n + t.failed, 0)} | ${Math.max(...mine.map((t) => t.foreignCores)).toFixed(2)} |`;
  });
  return [
    `**Workload ${workload}** (${workload === 'tool' ? 'two chat calls and one Python tool subprocess per rollout' : 'one chat call per rollout'})`,
    '',
    '| Workflow runner | rollouts/s end to end (median) | trials | vs command | rollouts/s within steps (median) | CPU ms per rollout (median) | command CPU / this | run time (median) | failed rollouts | foreign CPU (max cores) |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

function section(results: Trial[], durationS: number): string {
  const pythonVersion = execFileSync(python, ['--version'], { encoding: 'utf8' }).trim();
  return [
    '## Python workflows: one process vs one process per rollout',
    '',
    `Produced by \`npm run bench:python\` on ${new Date().toISOString()}; the run took ${durationS.toFixed(0)} s. ` +
      `${cpus()[0]?.model ?? 'CPU'}, ${cpus().length} cores visible; kernel ${release()}; Node ${process.version}; ${pythonVersion} (${python}).`,
    '',
    `Each trial is one \`node bin/rollcall.js train --backbone debug\` run of ${steps} steps × ${tasksPerStep} GSM8K tasks × group ${GROUP_SIZE} ` +
      `= ${steps * tasksPerStep * GROUP_SIZE} rollouts, ${CONCURRENCY} at once, against the vLLM-protocol fake engine in token mode, scripted to answer right: ` +
      '*tool* makes two chat calls and runs one Python tool subprocess per rollout, *answer* one chat call. ' +
      '*End to end* divides the rollouts by the whole run, process start to exit (the served variant starts its Python process once in it); ' +
      '*within steps* is the trainer\'s own `throughput/rollouts_per_s` of each step; *CPU per rollout* is the CPU time of the whole ' +
      '`rollcall train` process tree (trainer, proxy, Python processes, tool subprocesses; not the fake engine) over its rollouts. ' +
      `${trials} trials per variant, alternating between variants. Foreign CPU is what processes outside the bench used during a trial ` +
      '(the box is shared): rates move with it, CPU per rollout barely does.',
    '',
    ...WORKLOADS.flatMap((workload) => [table(results, workload), '']),
  ].join('\n');
}

async function runWorkload(workload: Workload, dir: string, monitor: ForeignLoadMonitor, results: Trial[], began: number): Promise<void> {
  const engine = await startFakeEngine({ maxModelLen: 8192 });
  try {
    scriptTasks(engine, workload);
    const configs = new Map(VARIANTS.map((variant) => [variant.name, writeConfig(dir, variant, engine.url)]));
    for (let trial = 0; trial < trials; trial++) {
      for (const variant of trial % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
        await monitor.waitQuiet();
        const { wallS, cpuS, runsDir } = await monitor.window(`${workload} ${variant.name}`, () => trainOnce(configs.get(variant.name) as string));
        const { rates, failed } = readSteps(runsDir);
        results.push({ workload, variant: variant.name, wallS, cpuS, stepRates: rates, failed, foreignCores: monitor.lastForeignCores() });
        process.stderr.write(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${workload} trial ${trial + 1} ${variant.name}: ${wallS.toFixed(1)} s, ${cpuS.toFixed(1)} CPU s, steps ${rates.map((r) => r.toFixed(2)).join(' ')} rollouts/s\n`);
      }
    }
  } finally {
    await engine.close();
  }
}

async function main(): Promise<void> {
  const began = performance.now();
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' }); // the CLI runs dist/
  const monitor = new ForeignLoadMonitor();
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-python-'));
  const results: Trial[] = [];
  try {
    for (const workload of WORKLOADS) await runWorkload(workload, dir, monitor, results, began);
  } finally {
    monitor.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const body = section(results, (performance.now() - began) / 1000);
  const previous = existsSync(flags.out) ? readFileSync(flags.out, 'utf8') : '# Bench results\n';
  writeFileSync(flags.out, replaceSection(previous, 'python-workflows', body));
  process.stdout.write(`\n${WORKLOADS.map((workload) => table(results, workload)).join('\n\n')}\n\nWrote its section of ${flags.out}.\n`);
}

await main();
