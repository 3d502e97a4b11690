import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordedMessage } from '../../../../trainer/proxy-client/admin-views.ts';
import { toolDiscipline } from '../../../../trainer/orchestrator/tool-discipline.ts';

const turn = (content: string | null, ...codes: (string | null)[]): RecordedMessage => ({
  role: 'assistant',
  content,
  tool_calls: codes.map((code, i) => ({ id: `c${i}`, type: 'function', function: { name: 'execute_python_code', arguments: code === null ? '{"code": ' : JSON.stringify({ code }) } })),
});

test('a disciplined rollout: printing code, then the answer after the tool result', () => {
  assert.deepEqual(toolDiscipline([turn(null, 'x = 3 * 4\nprint(x)'), turn('It printed 12, so the answer is \\boxed{12}.')]), {
    codeCalls: 1,
    printingCodeCalls: 1,
    answeredBeforeToolResult: false,
  });
});

test('code without print, and a boxed answer in the turn that calls the tool', () => {
  assert.deepEqual(toolDiscipline([turn('The answer is \\boxed{12}.', '3 * 4'), turn('So \\boxed{12}.')]), {
    codeCalls: 1,
    printingCodeCalls: 0,
    answeredBeforeToolResult: true,
  });
});

test('a number in passing next to a tool call is not an answer; "####" and "the answer is" are', () => {
  assert.equal(toolDiscipline([turn('Let me compute 3 * 4 with 2 steps.', 'print(3*4)')]).answeredBeforeToolResult, false);
  assert.equal(toolDiscipline([turn('#### 12', 'print(3*4)')]).answeredBeforeToolResult, true);
  assert.equal(toolDiscipline([turn('The answer is 12.', 'print(3*4)')]).answeredBeforeToolResult, true);
});

test('several calls in a turn are each counted; malformed arguments and tools without code are not code calls', () => {
  const other: RecordedMessage = { role: 'assistant', content: null, tool_calls: [{ id: 'w', type: 'function', function: { name: 'search', arguments: '{"query": "print(x)"}' } }] };
  assert.deepEqual(toolDiscipline([turn(null, 'print(1)', 'y = 2', null), other]), { codeCalls: 2, printingCodeCalls: 1, answeredBeforeToolResult: false });
});

test('"print" inside a name is not a call to print', () => {
  assert.equal(toolDiscipline([turn(null, 'blueprint(3)')]).printingCodeCalls, 0);
  assert.equal(toolDiscipline([turn(null, 'print (3)')]).printingCodeCalls, 1);
});
