import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Behaviour } from './flavour-scripts.ts';

/** Expected per behaviour: reward (= success), calls recorded, and whether a call was flagged malformed. */
const EXPECTED: Record<Behaviour, { reward: number; calls: number; malformed: boolean }> = {
  correct: { reward: 1, calls: 2, malformed: false },
  tool_error: { reward: 1, calls: 2, malformed: false },
  malformed: { reward: 0, calls: 1, malformed: true },
  wrong: { reward: 0, calls: 2, malformed: false },
};

type RolloutRow = { id: string; task_id: string; reward: number; is_success: number; metadata_json: string };

/** One rollout as the trainer recorded it: its behaviour and what its judge wrote. */
export type CheckedRollout = { behaviour: Behaviour; judge: Record<string, number> };

/**
 * Checks a one-step math-agent run on the scripted tasks (`scriptFlavourTasks`) the way every
 * flavour must come out: 16 rollouts, each recorded and judged as its behaviour demands, and the
 * step's tool-discipline metrics. Returns the run folder, its log and the rollouts.
 */
export function checkFlavourRun(runsDir: string, behaviours: Map<string, Behaviour>, flavour: string): { dir: string; log: string; rollouts: CheckedRollout[] } {
  const project = join(runsDir, 'gsm8k-math');
  assert.equal(readdirSync(project).length, 1, 'one run folder');
  const dir = join(project, readdirSync(project)[0] as string);
  const db = new Database(join(dir, 'trajectories.db'), { readonly: true });
  const rows = db.prepare("SELECT id, task_id, reward, is_success, metadata_json FROM rollouts WHERE json_extract(metadata_json, '$.split') = 'train'").all() as RolloutRow[];
  // A dialect's call (Messages, Responses) is read through the chat request it was translated into.
  const calls = db.prepare('SELECT rollout_id, seq, status, trainable, flags_json, COALESCE(chat_request_json, request_json) AS request_json FROM calls ORDER BY rollout_id, seq').all() as { rollout_id: string; status: string; trainable: number; flags_json: string; request_json: string }[];
  db.close();
  assert.equal(rows.length, 16);
  const rollouts = rows.map((rollout): CheckedRollout => {
    const own = calls.filter((c) => c.rollout_id === rollout.id);
    const question = (JSON.parse(own[0]!.request_json) as { messages: { role: string; content: string }[] }).messages.find((m) => m.role === 'user')!.content;
    const behaviour = behaviours.get(question);
    assert.ok(behaviour, `a scripted task: ${question.slice(0, 40)}`);
    const expected = EXPECTED[behaviour];
    const metadata = JSON.parse(rollout.metadata_json) as { judge: Record<string, number> };
    assert.equal(rollout.reward, expected.reward, `${flavour} ${behaviour} reward`);
    assert.equal(rollout.is_success, expected.reward);
    assert.equal(own.length, expected.calls, `${flavour} ${behaviour} calls`);
    assert.ok(own.every((c) => c.status === 'completed' && c.trainable === 1));
    assert.equal(own.some((c) => 'malformedToolCall' in JSON.parse(c.flags_json)), expected.malformed);
    if (behaviour === 'tool_error') {
      const second = JSON.parse(own[1]!.request_json) as { messages: { role: string; content: string }[] };
      assert.match(second.messages.find((m) => m.role === 'tool')?.content ?? '', /ZeroDivisionError/, 'the model saw the traceback');
    }
    if (behaviour === 'malformed') assert.equal(metadata.judge['madness/wrong_toolcall'], 1);
    return { behaviour, judge: metadata.judge };
  });
  // Per behaviour group of 4: correct and tool_error use the tool, print, and answer after its
  // result; wrong answers in the tool's turn with code that does not print; malformed calls none.
  const step = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>).find((m) => m.step === 1)!;
  assert.equal(step['tool/used_rate'], 0.75);
  assert.equal(step['tool/print_rate'], Number((2 / 3).toPrecision(10)));
  assert.equal(step['tool/answered_before_result_rate'], 0.25);
  assert.equal(step['tool/disciplined_rate'], 0.5);
  return { dir, log: readFileSync(join(dir, 'run.log'), 'utf8'), rollouts };
}

/** The counters a Python service wrote to the run log when it stopped (`python functions…: {json}`). */
export function pythonFunctionStats(log: string): { workflow: { calls: number; failed: number; maxInFlight: number } | null; judge: { calls: number; failed: number; maxInFlight: number } | null } {
  const line = log.split('\n').find((l) => /python functions( \(rollcall\.tune\))?: \{/.test(l));
  assert.ok(line, 'the Python service logged its counters');
  return JSON.parse(line.slice(line.indexOf('{'))) as ReturnType<typeof pythonFunctionStats>;
}
