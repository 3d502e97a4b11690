import { resolve } from 'node:path';
import { readCommandLine, usageLine, type CommandSpec } from '../src/config/command-line.ts';
import { startViewServer } from '../view/view-server.ts';

const DEFAULT_PORT = 8790;

export const VIEW_SPEC = {
  name: 'view',
  summary: 'the log view: a read-only web page over a run folder (or a folder of runs), live',
  positionals: '[RUN_DIR | RUNS_DIR]',
  flags: {
    host: { type: 'string', value: 'HOST', help: 'address to listen on (default 127.0.0.1)' },
    port: { type: 'string', value: 'N', help: `port (default ${DEFAULT_PORT}; 0: a free one)` },
    tokenizer: { type: 'string', value: 'MODEL_DIR', help: 'a model folder whose tokenizer.json decodes the tokens (default: the run\'s, else the engine\'s /detokenize)' },
    token: { type: 'string', value: 'TOKEN', help: 'the view\'s access token (default: ROLLCALL_VIEW_TOKEN, else a random one printed in the address)' },
  },
  notes: ['default folder: runs/ in the working directory'],
} as const satisfies CommandSpec;

/**
 * `rollcall view`: the log view over a run folder, or over every run under a folder (default
 * `runs/`), read-only, until Ctrl-C. The printed address carries the view's token (random unless
 * `--token` or ROLLCALL_VIEW_TOKEN gives one).
 */
export async function viewCommand(argv: string[]): Promise<void> {
  const parsed = readCommandLine(VIEW_SPEC, argv);
  if (parsed === null) return;
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    process.stderr.write(`rollcall view: one folder, not ${positionals.length}\n${usageLine(VIEW_SPEC)}\n`);
    process.exitCode = 2;
    return;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`rollcall view: --port must be a port number, not "${values.port}"\n`);
    process.exitCode = 2;
    return;
  }
  const path = resolve(positionals[0] ?? 'runs');
  let server;
  try {
    server = await startViewServer({ path, host: values.host ?? '127.0.0.1', port, token: values.token ?? process.env.ROLLCALL_VIEW_TOKEN, tokenizerDir: values.tokenizer });
  } catch (error) {
    process.stderr.write(`rollcall view: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const runs = server.catalog.list().length;
  process.stdout.write(
    `rollcall log view: ${server.url}\n  ${runs === 0 ? 'no run folder yet under' : `${runs} run${runs === 1 ? '' : 's'} in`} ${path} (read-only; new runs appear as they start); Ctrl-C stops it\n`,
  );
  const stop = () => void server.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
