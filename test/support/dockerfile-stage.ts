/**
 * The runtime stage of the Dockerfile as data, so a test can run its entrypoint the way Docker
 * would without a Docker engine: the stage's environment, working directory, user, what it copies
 * into the app folder, its entrypoint, command and health check. Only the instructions the
 * Dockerfile uses are read (ENV, WORKDIR, USER, COPY, ENTRYPOINT/CMD/HEALTHCHECK in exec form).
 */
import { readFileSync } from 'node:fs';

export type RuntimeStage = {
  env: Record<string, string>;
  workdir: string;
  user: string | null;
  /** `COPY` destinations (absolute) and what the repository holds for each (relative to its root). */
  copies: { from: string; to: string }[];
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[];
  exposed: number[];
};

/** Joins `\`-continued lines and drops comments. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** `A=1 B="two words"` → pairs. */
function envPairs(text: string): [string, string][] {
  return [...text.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)].map((m) => [m[1] as string, (m[2] as string).replace(/^"|"$/g, '')]);
}

export function readRuntimeStage(dockerfile: string): RuntimeStage {
  const lines = instructions(readFileSync(dockerfile, 'utf8'));
  const start = lines.map((line, index) => (/^FROM\s/i.test(line) ? index : -1)).filter((index) => index >= 0).at(-1) ?? 0;
  const stage: RuntimeStage = { env: {}, workdir: '/', user: null, copies: [], entrypoint: [], cmd: [], healthcheck: [], exposed: [] };
  for (const line of lines.slice(start + 1)) {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (keyword?.toUpperCase()) {
      case 'ENV':
        for (const [key, value] of envPairs(args)) stage.env[key] = value;
        break;
      case 'WORKDIR':
        stage.workdir = args.startsWith('/') ? args : `${stage.workdir.replace(/\/$/, '')}/${args}`;
        break;
      case 'USER':
        stage.user = args;
        break;
      case 'COPY': {
        const parts = rest.filter((part) => !part.startsWith('--'));
        const to = (parts.at(-1) as string).replace(/^\.\//, `${stage.workdir.replace(/\/$/, '')}/`);
        // A copy from the build stage is the build's /app output, which is the repository root here.
        for (const source of parts.slice(0, -1)) stage.copies.push({ from: source.replace(/^\/app\//, ''), to: to.endsWith('/') ? `${to}${source}` : to });
        break;
      }
      case 'ENTRYPOINT':
        stage.entrypoint = JSON.parse(args) as string[];
        break;
      case 'CMD':
        stage.cmd = JSON.parse(args) as string[];
        break;
      case 'HEALTHCHECK':
        stage.healthcheck = JSON.parse(args.slice(args.indexOf('CMD ') + 4)) as string[];
        break;
      case 'EXPOSE':
        stage.exposed.push(...rest.map(Number));
        break;
    }
  }
  return stage;
}
