import { readCommandLine, type CommandSpec } from '../src/config/command-line.ts';
import { ENGINE_KINDS, type EngineKind } from '../src/config/proxy-config.ts';
import { externalProxyUrls } from '../trainer/config/proxy-section.ts';
import { renderReport, type CheckSection } from './doctor/check-report.ts';
import { checkConfig } from './doctor/config-checks.ts';
import { checkEngine } from './doctor/engine-checks.ts';
import { checkPython } from './doctor/python-checks.ts';

const PARTS = ['engine', 'python', 'config'] as const;
type Part = (typeof PARTS)[number];

export const DOCTOR_SPEC = {
  name: 'doctor',
  summary: 'check an engine, the Python/torch set-up and a configuration, and say what to fix',
  flags: {
    upstream: { type: 'string', value: 'URL', multiple: true, help: 'engine server to check (default: the configuration\'s, else ROLLCALL_UPSTREAM, else http://127.0.0.1:8000)' },
    engine: { type: 'string', value: ENGINE_KINDS.join('|'), help: 'the engine\'s protocol (default: the configuration\'s, else vllm)' },
    conf: { type: 'string', value: 'FILE.yaml', help: 'a run configuration: keys, tasks, workflow, judge, learner, and its engine' },
    only: { type: 'string', value: PARTS.join('|'), multiple: true, help: 'check only these parts (default: all)' },
  },
  notes: ['exit code 0 when nothing needs fixing, 1 when something does'],
} as const satisfies CommandSpec;

function defaultUpstreams(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = env.ROLLCALL_UPSTREAM?.split(',').map((u) => u.trim()).filter(Boolean) ?? [];
  return fromEnv.length > 0 ? fromEnv : ['http://127.0.0.1:8000'];
}

/** `rollcall doctor`: every check, one line each, a fix under each problem. */
export async function doctorCommand(argv: string[]): Promise<void> {
  const line = readCommandLine(DOCTOR_SPEC, argv);
  if (line === null) return;
  const { values } = line;
  const unknown = (values.only ?? []).filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0 || (values.engine !== undefined && !(ENGINE_KINDS as readonly string[]).includes(values.engine))) {
    process.stderr.write(`rollcall doctor: ${unknown.length > 0 ? `--only is one of ${PARTS.join(', ')}, not ${unknown.join(', ')}` : `--engine is one of ${ENGINE_KINDS.join(', ')}`}\n`);
    process.exitCode = 2;
    return;
  }
  const parts = new Set<Part>((values.only as Part[] | undefined) ?? PARTS);
  const sections: CheckSection[] = [];
  let upstreams = values.upstream ?? defaultUpstreams(process.env);
  let kind = (values.engine ?? 'vllm') as EngineKind;
  if (values.conf !== undefined && parts.has('config')) {
    const { checks, loaded } = await checkConfig(values.conf);
    sections.push({ title: `configuration ${values.conf}`, checks });
    if (loaded !== null && externalProxyUrls(loaded.config.proxy).length === 0) {
      upstreams = values.upstream ?? loaded.config.proxy.engine.upstreams;
      kind = (values.engine ?? loaded.config.proxy.engine.kind) as EngineKind;
    }
  }
  if (parts.has('engine')) {
    for (const url of upstreams) sections.push({ title: `engine ${url} (${kind})`, checks: await checkEngine(url, kind) });
  }
  if (parts.has('python')) sections.push({ title: 'python (for rollcall worker)', checks: await checkPython() });
  process.stdout.write(renderReport(sections));
  process.exitCode = sections.some((s) => s.checks.some((c) => c.status === 'fail')) ? 1 : 0;
}
