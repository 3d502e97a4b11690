import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startViewServer } from '../view/view-server.ts';

export const VIEW_USAGE = 'usage: rollcall view [RUN_DIR | RUNS_DIR] [--host 127.0.0.1] [--port 8790] [--tokenizer MODEL_DIR] [--token TOKEN]';

const DEFAULT_PORT = 8790;

/**
 * `rollcall view`: the log view over a run folder, or over every run under a folder (default
 * `runs/`), read-only, until Ctrl-C. The printed address carries the view's token (random unless
 * `--token` or ROLLCALL_VIEW_TOKEN gives one).
 */
export async function viewCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { host: { type: 'string' }, port: { type: 'string' }, tokenizer: { type: 'string' }, token: { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`rollcall view: ${(error as Error).message}\n${VIEW_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    process.stderr.write(`rollcall view: one folder, not ${positionals.length}\n${VIEW_USAGE}\n`);
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
