import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

/**
 * The team's design notes and protocol references live outside the repository, so a comment or doc
 * that cites them points a reader at nothing. Sources are cited upstream instead (a vLLM or verl
 * file path, a paper's arXiv id) or as a doc inside the repository. This test keeps the private
 * citations from coming back: it reads every tracked file outside node_modules.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SELF = 'test/unit/repo/private-citations.test.ts';

/** What a citation of a private file looks like; each has a sample it must catch. */
const PRIVATE_CITATIONS: readonly { name: string; pattern: RegExp; sample: string }[] = [
  { name: 'the design doc', pattern: /\bDESIGN\b/, sample: 'the worker (DESIGN §7)' },
  { name: 'the engine protocol notes', pattern: /engine-protocols/, sample: '(engine-protocols.md §1.8)' },
  { name: 'the RL algorithm notes', pattern: /rl-algorithms/, sample: '(rl-algorithms.md §2.4)' },
  { name: 'the peer notes', pattern: /peer[- ]lessons?\b/i, sample: '(peer-lessons §2.4)' },
  { name: 'the performance notes', pattern: /performance\.md/, sample: '(performance.md §4 "floor A")' },
  { name: 'the house style', pattern: /house-style\.md/, sample: 'see house-style.md' },
  { name: 'the reference folder', pattern: /shared\/reference/, sample: '/work/shared/reference/engine-protocols.md' },
  { name: 'a bare section number', pattern: /§\s*\d/, sample: 'depends on the build (§2.1, probe)' },
];

/** Text the patterns must leave alone: upstream citations, and a `§` that is data. */
const ALLOWED = [
  'vLLM `vllm/entrypoints/openai/chat_completion/protocol.py`',
  'Dr. GRPO (arXiv 2503.20783; verl `verl/trainer/ppo/core_algos.py`)',
  '"§": 167,',
  'the design decisions of the worker (trainer/worker/README.md)',
  'test/support/gsm8k-scripts.ts reads ../shared/datasets/gsm8k/',
];

function trackedTextFiles(): { path: string; text: string }[] {
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return listed
    .split('\0')
    .filter((path) => path !== '' && path !== SELF && !path.split('/').includes('node_modules'))
    .filter((path) => existsSync(join(ROOT, path)))
    .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }))
    .filter(({ text }) => !text.includes('\0'));
}

describe('no file cites the private design notes or references', () => {
  it('each pattern catches its sample and leaves upstream citations alone', () => {
    for (const { name, pattern, sample } of PRIVATE_CITATIONS) {
      assert.match(sample, pattern, name);
      for (const text of ALLOWED) assert.doesNotMatch(text, pattern, `${name} on ${JSON.stringify(text)}`);
    }
  });

  it('reads the tracked files, sources and docs alike', () => {
    const paths = trackedTextFiles().map((f) => f.path);
    assert.ok(paths.length > 100, `${paths.length} files`);
    for (const expected of ['README.md', 'src/wire/learner.ts', 'trainer/worker/rollcall_worker/losses.py', 'docs/config.md']) {
      assert.ok(paths.includes(expected), `${expected} is read`);
    }
  });

  it('finds no citation in any tracked file', () => {
    const found = trackedTextFiles().flatMap(({ path, text }) =>
      text.split('\n').flatMap((line, index) =>
        PRIVATE_CITATIONS.filter(({ pattern }) => pattern.test(line)).map(({ name }) => `${path}:${index + 1} (${name}): ${line.trim().slice(0, 160)}`),
      ),
    );
    assert.deepEqual(found, [], 'cite the upstream source or a doc in this repository instead');
  });
});
