#!/usr/bin/env node
// The rollcall CLI: dispatches to the compiled command modules in dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// [module, export, help, whether user TypeScript (workflows, judges) may be loaded]
const COMMANDS = {
  serve: ['../dist/proxy/serve/serve-command.js', 'serveCommand', 'run the recording proxy', false],
  train: ['../dist/cli/train-command.js', 'trainCommand', 'train a policy from a YAML configuration', true],
  eval: ['../dist/cli/eval-command.js', 'evalCommand', 'validation only: pass@1 and pass@k of the configured tasks', true],
  export: ['../dist/cli/export-command.js', 'exportCommand', "write a run's training samples as JSONL", false],
  view: ['../dist/cli/view-command.js', 'viewCommand', 'the log view: a web page over a run folder (or a folder of runs), live', false],
  worker: ['../dist/cli/worker-command.js', 'workerCommand', 'run the Python GPU worker (generation + learning) on a model folder', false],
};

const [command, ...args] = process.argv.slice(2);
const entry = COMMANDS[command];
if (entry === undefined) {
  const lines = Object.entries(COMMANDS).map(([name, [, , help]]) => `  ${name.padEnd(8)} ${help}`);
  process.stderr.write(`usage: rollcall <command> [options]\n\ncommands:\n${lines.join('\n')}\n`);
  process.exit(command === undefined || command === '--help' || command === 'help' ? 0 : 2);
}
const modulePath = fileURLToPath(new URL(entry[0], import.meta.url));
if (!existsSync(modulePath)) {
  process.stderr.write(`rollcall: ${modulePath} is missing; run "npm run build" first\n`);
  process.exit(2);
}
if (entry[3]) {
  // Workflows, judges and agents may be TypeScript files: let them load like JavaScript. A slim
  // install without tsx (the packed GPU bundle) loads compiled .js workflows only.
  const tsx = await import('tsx/esm/api').catch(() => null);
  tsx?.register();
}
const module = await import(modulePath);
await module[entry[1]](args);
