import { startViewServer, type ViewServer } from '../view/view-server.ts';

/**
 * `rollcall train --with-logview`: the log view over the run folder, started before the first
 * step so every rollout can be watched as it happens. When the run ends the view sends open pages
 * the final state; on a terminal it then stays up until Ctrl-C, elsewhere (scripts, CI) it stops
 * with the run.
 */
export type LogviewBesideRun = { url: string; finish(out: NodeJS.WriteStream): Promise<void>; close(): Promise<void> };

/** `databaseFile`: where the run's embedded proxy records (the run folder's, unless `proxy.dbPath` moved it). */
export async function startLogviewBesideRun(runDir: string, databaseFile: string, port: number): Promise<LogviewBesideRun> {
  const server: ViewServer = await startViewServer({ path: runDir, databaseFile, host: '127.0.0.1', port });
  return {
    url: server.url,
    close: () => server.close(),
    finish: async (out) => {
      if (out.isTTY !== true) {
        await server.close();
        out.write(`  log view stopped; open it again with: rollcall view ${runDir}\n`);
        return;
      }
      out.write(`  log view still at ${server.url} — Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await server.close();
    },
  };
}
