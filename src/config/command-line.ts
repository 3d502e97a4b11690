import { parseArgs } from 'node:util';

/**
 * A command's flags as data: parsing, the usage line and `--help` all come from one table, so a
 * flag cannot exist without being listed in the usage. `-h`/`--help` is every command's.
 *
 * @example
 * const SPEC = { name: 'export', summary: "write a run's samples as JSONL",
 *   flags: { run: { type: 'string', value: 'RUN_DIR', help: 'the run folder' } } } as const satisfies CommandSpec;
 * const parsed = readCommandLine(SPEC, argv); // null: help was printed or the flags were wrong
 */
export type FlagSpec = {
  readonly type: 'string' | 'boolean';
  /** Placeholder of the value in the usage line (`FILE.yaml`, `N`); string flags only. */
  readonly value?: string;
  readonly help: string;
  readonly required?: boolean;
  readonly multiple?: boolean;
  readonly short?: string;
};

export type CommandSpec = {
  readonly name: string;
  readonly summary: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Positional arguments as the usage shows them (`REPO`); none when absent. */
  readonly positionals?: string;
  /** Lines printed after the flags by `--help` (environment variables, examples). */
  readonly notes?: readonly string[];
};

type FlagValue<F extends FlagSpec> = F['type'] extends 'boolean' ? boolean : F['multiple'] extends true ? string[] : string;
export type FlagValues<S extends CommandSpec> = { -readonly [K in keyof S['flags']]?: FlagValue<S['flags'][K]> };
export type CommandLine<S extends CommandSpec> = { values: FlagValues<S>; positionals: string[] };

const HELP: FlagSpec = { type: 'boolean', short: 'h', help: 'show this help' };

function flagUsage(name: string, flag: FlagSpec): string {
  const text = flag.type === 'boolean' ? `--${name}` : `--${name} ${flag.value ?? 'VALUE'}`;
  const repeated = flag.multiple === true ? `${text}...` : text;
  return flag.required === true ? repeated : `[${repeated}]`;
}

/** The one-paragraph usage: `usage: rollcall NAME` and every flag, wrapped at 100 columns. */
export function usageLine(spec: CommandSpec): string {
  const head = `usage: rollcall ${spec.name}`;
  const parts = [...(spec.positionals === undefined ? [] : [spec.positionals]), ...Object.entries(spec.flags).map(([name, flag]) => flagUsage(name, flag))];
  const lines = [head];
  for (const part of parts) {
    const last = lines.length - 1;
    if (`${lines[last]} ${part}`.length > 100 && lines[last] !== head) lines.push(`${' '.repeat(head.length)} ${part}`);
    else lines[last] = `${lines[last]} ${part}`;
  }
  return lines.join('\n');
}

/** The full `--help` text: summary, usage, one line per flag, notes. */
export function helpText(spec: CommandSpec): string {
  const flags = Object.entries({ ...spec.flags, help: HELP }).map(([name, flag]) => {
    const label = `${flag.short === undefined ? '    ' : `-${flag.short}, `}--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}`;
    return `  ${label.padEnd(28)} ${flag.help}`;
  });
  return [`rollcall ${spec.name}: ${spec.summary}`, '', usageLine(spec), '', 'options:', ...flags, ...(spec.notes === undefined ? [] : ['', ...spec.notes]), ''].join('\n');
}

export type ParsedCommandLine<S extends CommandSpec> = { kind: 'help' } | { kind: 'error'; message: string } | ({ kind: 'ok' } & CommandLine<S>);

/** Parses argv against the spec; `--help`/`-h` anywhere wins over everything else. */
export function parseCommandLine<S extends CommandSpec>(spec: S, argv: readonly string[]): ParsedCommandLine<S> {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  const options = Object.fromEntries(
    Object.entries(spec.flags).map(([name, flag]) => [name, { type: flag.type, ...(flag.multiple === true ? { multiple: true } : {}), ...(flag.short === undefined ? {} : { short: flag.short }) }]),
  );
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: spec.positionals !== undefined });
    const missing = Object.entries(spec.flags).filter(([name, flag]) => flag.required === true && values[name] === undefined).map(([name]) => `--${name}`);
    if (missing.length > 0) return { kind: 'error', message: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required` };
    return { kind: 'ok', values: values as FlagValues<S>, positionals };
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
}

/** What a command writes to: the process streams, or buffers in tests. */
export type CommandIo = { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown } };

/**
 * Parses, or explains: help goes to stdout (exit code 0), a wrong flag to stderr with the usage
 * line (exit code 2). Returns null when the command should not run.
 */
export function readCommandLine<S extends CommandSpec>(spec: S, argv: readonly string[], io: CommandIo = process): CommandLine<S> | null {
  const parsed = parseCommandLine(spec, argv);
  if (parsed.kind === 'help') {
    io.stdout.write(helpText(spec));
    process.exitCode = 0;
    return null;
  }
  if (parsed.kind === 'error') {
    io.stderr.write(`rollcall ${spec.name}: ${parsed.message}\n${usageLine(spec)}\n(rollcall ${spec.name} --help explains each option)\n`);
    process.exitCode = 2;
    return null;
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** What a numeric flag accepts: whole numbers from `min` (up to `max`), or any number above `above`. */
export type NumberRange = { integer: true; min: number; max?: number } | { integer: false; above: number };

const describeRange = (range: NumberRange): string =>
  !range.integer ? `a number above ${range.above}` : range.max === undefined ? `an integer of at least ${range.min}` : `an integer from ${range.min} to ${range.max}`;

/**
 * A numeric flag's value: undefined when the flag was not given; null when its text is not a
 * number `range` accepts — said on stderr with what was expected (exit code 2), so the command stops.
 */
export function readNumberFlag(command: string, flag: string, text: string | undefined, range: NumberRange, io: Pick<CommandIo, 'stderr'> = process): number | undefined | null {
  if (text === undefined) return undefined;
  const value = Number(text);
  const fits = text.trim() !== '' && (range.integer ? Number.isInteger(value) && value >= range.min && value <= (range.max ?? Infinity) : Number.isFinite(value) && value > range.above);
  if (fits) return value;
  io.stderr.write(`rollcall ${command}: --${flag} must be ${describeRange(range)}, not "${text}"\n`);
  process.exitCode = 2;
  return null;
}
