import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkMadness, withMadness } from '../../../../trainer/judges/madness.ts';
import type { Judge, JudgeCall, JudgeToolCall } from '../../../../trainer/judges/judge-types.ts';

function call(completionText: string, extra: Partial<JudgeCall> = {}): JudgeCall {
  return { seq: 0, completionText, toolCalls: [], flags: {}, finishReason: 'stop', ...extra };
}

const BOTH = ['nonsense', 'wrong_toolcall'] as const;
const PYTHON_CALL: JudgeToolCall = { name: 'python', arguments: '{"code": "print(16 - 3 - 4)"}' };

describe('checkMadness: legitimate output is not flagged', () => {
  const samples: [string, string][] = [
    ['English reasoning', 'She sells 16 - 3 - 4 = 9 eggs at $2 each, so she makes \\boxed{18} dollars.'],
    ['Chinese', '珍妮每天卖出 9 个鸡蛋，每个 2 美元，所以她每天赚 18 美元。答案是 \\boxed{18}。'],
    ['Japanese', 'ジャネットは毎日9個の卵を売り、1個2ドルなので、18ドル稼ぎます。'],
    ['Korean', '자넷은 하루에 달걀 9개를 팔아 18달러를 법니다.'],
    ['Russian', 'Джанет продаёт 9 яиц по 2 доллара, значит, она зарабатывает 18 долларов.'],
    ['Arabic', 'تبيع جانيت 9 بيضات بسعر 2 دولار، لذا تكسب 18 دولارًا.'],
    ['emoji and math symbols', 'Done ✅ 🎉 — ∑ᵢ xᵢ = 18, √324 = 18, 18 ≥ 17 ⇒ ✓'],
    ['a markdown rule', `Result\n${'-'.repeat(80)}\n18`],
    ['a long list of distinct numbers', Array.from({ length: 300 }, (_, i) => String(i)).join(', ')],
    ['a refrain sung twice', 'row row row your boat gently down the stream. '.repeat(2)],
    ['a short stammer', 'wait wait wait wait wait, no: 18.'],
  ];
  for (const [name, text] of samples) {
    it(name, () => {
      assert.deepEqual(checkMadness([call(text)], BOTH), { isMad: false, reasons: [] });
    });
  }

  it('a parsed tool call whose markup is still in the raw completion', () => {
    const raw = 'Let me compute.\n<tool_call>\n{"name": "python", "arguments": {}}\n</tool_call>';
    const verdict = checkMadness([call(raw, { toolCalls: [PYTHON_CALL] })], BOTH);
    assert.deepEqual(verdict, { isMad: false, reasons: [] });
  });
});

describe('checkMadness: nonsense', () => {
  it('flags leaked special tokens', () => {
    for (const token of ['<|im_start|>', '<|im_end|>', '<|endoftext|>', '<|eot_id|>', '<end_of_turn>']) {
      const verdict = checkMadness([call(`18${token}user\nthanks`)], ['nonsense']);
      assert.deepEqual(verdict.reasons, ['nonsense:special_token'], token);
    }
  });

  it('flags a <tool_call> tag outside any parsed call', () => {
    const verdict = checkMadness([call('I will call <tool_call> python')], ['nonsense']);
    assert.deepEqual(verdict.reasons, ['nonsense:special_token']);
  });

  it('flags a word loop', () => {
    const text = `Janet has 16 eggs. ${'let me check that again '.repeat(12)}`;
    assert.ok(checkMadness([call(text)], ['nonsense']).reasons.includes('nonsense:word_loop'));
  });

  it('flags a word loop with a seven-word cycle and mixed case and punctuation', () => {
    const text = 'So: The total is nine eggs, Wait. '.repeat(8) + 'the total is nine eggs, wait.';
    const verdict = checkMadness([call(text)], ['nonsense']);
    assert.ok(verdict.reasons.includes('nonsense:word_loop'));
  });

  it('flags char loops', () => {
    for (const text of ['!'.repeat(300), `ok ${'ha'.repeat(150)}`, '哈'.repeat(250), `${'=+'.repeat(120)}`]) {
      const verdict = checkMadness([call(text)], ['nonsense']);
      assert.ok(verdict.reasons.includes('nonsense:char_loop'), text.slice(0, 10));
    }
  });

  it('honours custom thresholds', () => {
    const text = 'go on '.repeat(8);
    assert.equal(checkMadness([call(text)], ['nonsense']).isMad, false);
    const strict = { wordLoop: { windowWords: 4, minRepeatRun: 6 } };
    assert.deepEqual(checkMadness([call(text)], ['nonsense'], strict).reasons, ['nonsense:word_loop']);
  });
});

describe('checkMadness: wrong_toolcall', () => {
  it('flags a call the parser marked malformed', () => {
    const verdict = checkMadness([call('', { flags: { malformedToolCall: true } })], ['wrong_toolcall']);
    assert.deepEqual(verdict.reasons, ['wrong_toolcall:malformed']);
  });

  it('flags arguments that are not a JSON object', () => {
    for (const args of ['not json', '[1, 2]', '"text"', 'null', '42', '{"code": ']) {
      const toolCalls = [{ name: 'python', arguments: args }];
      const verdict = checkMadness([call('', { toolCalls })], ['wrong_toolcall']);
      assert.deepEqual(verdict.reasons, ['wrong_toolcall:arguments_not_object'], args);
    }
  });

  it('flags bare tags left in content', () => {
    const unclosed = call('<tool_call>{"name": "python"');
    const extraBlock = call('<tool_call>{}</tool_call><tool_call>{}</tool_call>', {
      toolCalls: [PYTHON_CALL],
    });
    const strayClose = call('done</tool_call>', { toolCalls: [] });
    for (const c of [unclosed, extraBlock, strayClose]) {
      assert.deepEqual(checkMadness([c], ['wrong_toolcall']).reasons, ['wrong_toolcall:bare_tag']);
    }
  });

  it('runs only the named checks, over every call', () => {
    const calls = [call('fine', { seq: 0 }), call('<|im_end|>', { seq: 1, flags: { malformedToolCall: true } })];
    assert.deepEqual(checkMadness(calls, ['wrong_toolcall']).reasons, ['wrong_toolcall:malformed']);
    assert.deepEqual(checkMadness(calls, ['nonsense']).reasons, ['nonsense:special_token']);
    assert.deepEqual(checkMadness(calls, []), { isMad: false, reasons: [] });
    assert.deepEqual(checkMadness(calls, BOTH).reasons, [
      'nonsense:special_token',
      'wrong_toolcall:malformed',
    ]);
  });
});

describe('withMadness', () => {
  const alwaysRight: Judge = async () => ({
    reward: 1,
    isSuccess: true,
    metrics: { 'judge/correct': 1 },
  });
  const task = { id: 't', query: 'q', metadata: {} };

  it('replaces the reward of a mad rollout and keeps the original visible', async () => {
    const judge = withMadness(alwaysRight, { checks: BOTH, madnessReward: -1 });
    const calls = [call('18<|im_end|>')];
    const result = await judge(task, { response: '18' }, { calls, auxiliaryModels: {} });
    assert.equal(result.reward, -1);
    assert.equal(result.isSuccess, false);
    assert.deepEqual(result.metrics, {
      'judge/correct': 1,
      'madness/is_mad': 1,
      'madness/nonsense': 1,
      'madness/nonsense/special_token': 1,
      'madness/nonsense/word_loop': 0,
      'madness/nonsense/char_loop': 0,
      'madness/wrong_toolcall': 0,
      'madness/wrong_toolcall/malformed': 0,
      'madness/wrong_toolcall/arguments_not_object': 0,
      'madness/wrong_toolcall/bare_tag': 0,
      'madness/original_reward': 1,
      'madness/original_success': 1,
      'madness/reward_delta': -2,
    });
  });

  it('passes a sane rollout through unchanged', async () => {
    const judge = withMadness(alwaysRight, { checks: ['nonsense'], madnessReward: -1 });
    const result = await judge(task, {}, { calls: [call('\\boxed{18}')], auxiliaryModels: {} });
    assert.equal(result.reward, 1);
    assert.equal(result.isSuccess, true);
    assert.equal(result.metrics['madness/is_mad'], 0);
    assert.equal(result.metrics['madness/reward_delta'], 0);
    assert.equal('madness/wrong_toolcall' in result.metrics, false);
  });
});
