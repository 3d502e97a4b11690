import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { scriptFlavourTasks, type Behaviour } from '../../support/flavour-scripts.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let engine: FakeEngine;
let behaviours: Map<string, Behaviour>;

before(async () => {
  engine = await startFakeEngine({ maxModelLen: 8192 });
  behaviours = scriptFlavourTasks(engine);
});
after(async () => {
  await engine.close();
});

/** Expected per behaviour: reward, success, calls recorded, and whether a tool result held an error. */
const EXPECTED: Record<Behaviour, { reward: number; calls: number; malformed: boolean }> = {
  correct: { reward: 1, calls: 2, malformed: false },
  tool_error: { reward: 1, calls: 2, malformed: false },
  malformed: { reward: 0, calls: 1, malformed: true },
  wrong: { reward: 0, calls: 2, malformed: false },
};

type RolloutRow = { id: string; task_id: string; reward: number; is_success: number; metadata_json: string };

for (const flavour of ['math-agent', 'openai-sdk', 'fetch', 'langchain', 'python', 'anthropic-sdk', 'responses']) {
  test(`flavour ${flavour}: tool call then boxed answer, a tool error, a malformed call and a wrong answer, all recorded and judged right`, async () => {
    const runsDir = mkdtempSync(join(tmpdir(), `rollcall-${flavour}-`));
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'train', '--conf', `examples/math-agent/${flavour}.yaml`, '--backbone', 'debug', '--steps', '1'], {
      cwd: ROOT,
      env: { ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_RUNS_DIR: runsDir },
    });
    assert.match(stdout, /done: 1 step/);
    assert.doesNotMatch(stderr, /MaxListenersExceededWarning/, 'more rollouts in flight than Node\'s default listener limit, on one shutdown signal');
    const project = join(runsDir, 'gsm8k-math');
    const dir = join(project, readdirSync(project)[0] as string);
    const db = new Database(join(dir, 'trajectories.db'), { readonly: true });
    const rollouts = db.prepare("SELECT id, task_id, reward, is_success, metadata_json FROM rollouts WHERE json_extract(metadata_json, '$.split') = 'train'").all() as RolloutRow[];
    // A dialect's call (Messages, Responses) is read through the chat request it was translated into.
    const calls = db.prepare('SELECT rollout_id, seq, status, trainable, flags_json, COALESCE(chat_request_json, request_json) AS request_json FROM calls ORDER BY rollout_id, seq').all() as { rollout_id: string; status: string; trainable: number; flags_json: string; request_json: string }[];
    db.close();
    assert.equal(rollouts.length, 16);
    assert.equal(readdirSync(project).length, 1, 'one run folder');
    for (const rollout of rollouts) {
      const own = calls.filter((c) => c.rollout_id === rollout.id);
      const question = (JSON.parse(own[0]!.request_json) as { messages: { role: string; content: string }[] }).messages.find((m) => m.role === 'user')!.content;
      const behaviour = behaviours.get(question);
      assert.ok(behaviour, `a scripted task: ${question.slice(0, 40)}`);
      const expected = EXPECTED[behaviour];
      assert.equal(rollout.reward, expected.reward, `${flavour} ${behaviour} reward`);
      assert.equal(rollout.is_success, expected.reward);
      assert.equal(own.length, expected.calls, `${flavour} ${behaviour} calls`);
      assert.ok(own.every((c) => c.status === 'completed' && c.trainable === 1));
      assert.equal(own.some((c) => 'malformedToolCall' in JSON.parse(c.flags_json)), expected.malformed);
      if (behaviour === 'tool_error') {
        const second = JSON.parse(own[1]!.request_json) as { messages: { role: string; content: string }[] };
        assert.match(second.messages.find((m) => m.role === 'tool')?.content ?? '', /ZeroDivisionError/, 'the model saw the traceback');
      }
      if (behaviour === 'malformed') assert.equal(JSON.parse(rollout.metadata_json).judge['madness/wrong_toolcall'], 1);
    }
    // Per behaviour group of 4: correct and tool_error use the tool, print, and answer after its
    // result; wrong answers in the tool's turn with code that does not print; malformed calls none.
    const step = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>).find((m) => m.step === 1)!;
    assert.equal(step['tool/used_rate'], 0.75);
    assert.equal(step['tool/print_rate'], Number((2 / 3).toPrecision(10)));
    assert.equal(step['tool/answered_before_result_rate'], 0.25);
    assert.equal(step['tool/disciplined_rate'], 0.5);
  });
}
