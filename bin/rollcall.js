#!/usr/bin/env node
// The rollcall CLI: dispatches to the compiled command modules in dist/.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// [module, export, help, whether user TypeScript (workflows, judges) may be loaded]
const COMMANDS = {
  serve: ['../dist/proxy/serve/serve-command.js', 'serveCommand', 'run the recording proxy', false],
  train: ['../dist/cli/train-command.js', 'trainCommand', 'train a policy from a YAML configuration', true],
  eval: ['../dist/cli/eval-command.js', 'evalCommand', 'validation only: pass@1 and pass@k of the configured tasks', true],
  export: ['../dist/cli/export-command.js', 'exportCommand', "write a run's training samples as JSONL", false],
  view: ['../dist/cli/view-command.js', 'viewCommand', 'the log view: a web page over a run folder (or a folder of runs), live', false],
  worker: ['../dist/cli/worker-command.js', 'workerCommand', 'run the Python GPU worker (generation + learning) on a model folder', false],
  doctor: ['../dist/cli/doctor-command.js', 'doctorCommand', 'check an engine, the Python/torch set-up and a configuration', true],
  data: ['../dist/cli/data-command.js', 'dataCommand', 'download a Hugging Face dataset (data get openai/gsm8k)', false],
  quickstart: ['../dist/cli/quickstart-command.js', 'quickstartCommand', 'train a tool-using math agent with GRPO on this machine (CPU or GPU), in minutes', true],
};

const version = () => JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

let [command, ...args] = process.argv.slice(2);
if (command === '--version' || command === '-V' || command === 'version') {
  process.stdout.write(`rollcall ${version()} (node ${process.version})\n`);
  process.exit(0);
}
// `rollcall help train` is `rollcall train --help`.
if (command === 'help' && args[0] in COMMANDS) [command, args] = [args[0], ['--help']];
const entry = COMMANDS[command];
if (entry === undefined) {
  const isHelp = command === undefined || command === '--help' || command === '-h' || command === 'help';
  const lines = Object.entries(COMMANDS).map(([name, [, , help]]) => `  ${name.padEnd(10)} ${help}`);
  const text = `usage: rollcall <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nrollcall <command> --help explains a command; rollcall --version prints the version.\n`;
  if (!isHelp) process.stderr.write(`rollcall: unknown command "${command}"\n`);
  (isHelp ? process.stdout : process.stderr).write(text);
  process.exit(isHelp ? 0 : 2);
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
