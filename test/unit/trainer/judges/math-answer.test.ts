import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createMathAnswerJudge, scoreMathAnswer } from '../../../../trainer/judges/math-answer.ts';
import { isJudgeError } from '../../../../trainer/judges/judge-errors.ts';
import type { JudgeContext, JudgeTask } from '../../../../trainer/judges/judge-types.ts';

type Case = { name: string; response: string; reference: string; isCorrect: boolean };

const right = (name: string, response: string, reference = '18'): Case =>
  ({ name, response, reference, isCorrect: true });
const wrong = (name: string, response: string, reference = '18'): Case =>
  ({ name, response, reference, isCorrect: false });

const CASES: Case[] = [
  right('plain boxed', 'So the answer is \\boxed{18}.'),
  right('boxed with trailing zero', '\\boxed{18.0}'),
  right('boxed with two trailing zeros', '\\boxed{18.00}'),
  right('trailing zeros on a decimal reference', '\\boxed{18.50}', '18.5'),
  right('dollar sign', '\\boxed{\\$18}'),
  right('dollar sign and cents', 'She makes $\\boxed{\\$18.00}$ a day.'),
  right('euro and pound prefixes', 'Total: \\boxed{€18}, i.e. \\boxed{£18}'),
  right('dollars word', '\\boxed{18 \\text{ dollars}}'),
  right('unit word after the number', '\\boxed{18 apples}'),
  right('unit in \\text with thin space', '\\boxed{5\\,\\text{hours}}', '5'),
  right('unit in \\mathrm', '\\boxed{12\\ \\mathrm{cm}}', '12'),
  right('squared unit', 'Area: \\boxed{36 cm^2}', '36'),
  right('thousands comma in the response', '\\boxed{1,000}', '1000'),
  right('thousands comma in the reference', '\\boxed{2125}', '2,125'),
  right('LaTeX {,} thousands separator', '\\boxed{70{,}000}', '70000'),
  right('LaTeX thin-space thousands separator', '\\boxed{70\\,000}', '70000'),
  right('percent sign equals the bare percentage', '\\boxed{25\\%}', '25'),
  right('percent word', '#### 25 percent', '25'),
  right('fraction', '\\boxed{3/4}', '0.75'),
  right('\\frac', '\\boxed{\\frac{3}{4}}', '3/4'),
  right('\\dfrac', '\\boxed{\\dfrac{3}{4}}', '0.75'),
  right('\\tfrac', '\\boxed{\\tfrac{1}{2}}', '.5'),
  right('\\frac shorthand', '\\boxed{\\frac12}', '0.5'),
  right('mixed number', '\\boxed{1 1/2}', '1.5'),
  right('mixed LaTeX number', '\\boxed{2\\frac{1}{4}}', '9/4'),
  right('decimal without leading zero', '\\boxed{.5}', '0.5'),
  right('negative', '\\boxed{-10}', '-10'),
  right('unicode minus', 'The answer is \\boxed{−10}', '-10'),
  right('negative money', '\\boxed{-\\$5}', '-5'),
  right('x = prefix', '\\boxed{x = 18}'),
  right('equation ending in the answer', '\\boxed{3 \\times 6 = 18}'),
  right('"The answer is" inside the box', '\\boxed{\\text{The answer is } 18}'),
  right('degrees', '\\boxed{90^\\circ}', '90'),
  right('degrees with braces', '\\boxed{90^{\\circ}}', '90'),
  right('nested braces', '\\boxed{{18}}'),
  right('\\fbox', 'Result: \\fbox{18}'),
  right('\\boxed without braces', 'Hence $\\boxed 18$.'),
  right('inline math delimiters', '#### $18$'),
  right('display math delimiters', '#### \\[18\\]'),
  right('GSM8K hash', 'She sells 9 eggs at $2 each.\n#### 18'),
  right('markdown bold after hash', '#### **18**'),
  right('answer phrase', 'I added them up. The answer is 18 (not 17.5).'),
  right('final number fallback', 'Janet makes 9 * 2 = 18 dollars every day.'),
  right('scientific notation', '\\boxed{1.5 \\times 10^{3}}', '1500'),
  right('e notation', '\\boxed{1.5e3}', '1500'),
  right('float noise within tolerance', '\\boxed{0.30000000000000004}', '0.3'),
  right('approximately', '\\boxed{\\approx 18}'),
  right('non-numeric answer, case and \\text', '\\boxed{\\text{Yes}}', 'yes'),
  right('LaTeX power', '\\boxed{2^{10}}', '1024'),
  right('power without braces', '\\boxed{10^3}', '1000'),
  right('negative power', '\\boxed{2^{-1}}', '0.5'),
  right('sign before a power applies after it', '\\boxed{-2^{2}}', '-4'),
  right('power in prose', 'The answer is 2^10.', '1024'),
  right('\\dfrac to an integer', '\\boxed{\\dfrac{36}{2}}'),
  right('\\frac with a unit', '\\boxed{\\frac{3}{4}\\text{ cup}}', '0.75'),
  right('several thousands separators', '\\boxed{1,234,567}', '1234567'),
  right('money with separators and cents', '\\boxed{\\$1,234.50}', '1234.5'),
  right('LaTeX separator and a unit', '\\boxed{1{,}250 \\text{ dollars}}', '1250'),
  right('rate unit', '\\boxed{\\$18.00/\\text{hour}}'),
  right('unit in \\mathrm with a LaTeX power', '\\boxed{18 \\mathrm{m}^{2}}'),
  right('answer after the tool result, the call before it ignored', '<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(17 + 1)"}}\n</tool_call>\nThe tool printed 18, so \\boxed{18}.'),
  right('a number in inline code on its own is emphasis', 'The answer is `18`.'),
  wrong('a turn that only calls the tool', '<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(18)"}}\n</tool_call>'),
  wrong('a tool call cut off by the token limit', 'Let me check.\n<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(18)"'),
  wrong('a qwen3_coder tool call', '<tool_call>\n<function=execute_python_code>\n<parameter=code>\nprint(18)\n</parameter>\n</function>\n</tool_call>'),
  wrong('a number only inside a code block', 'I will run:\n```python\nprint(18)\n```'),
  wrong('a number only inside an unclosed code block', 'Code:\n```python\nx = 18\nprint(x'),
  wrong('a number only inside inline code', 'Run `x = 18` to check.'),
  wrong('a boxed answer inside code', '```\nprint("\\\\boxed{18}")\n```'),
  wrong('an unclosed box is no answer', 'The answer is \\boxed{18'),
  wrong('an unclosed last box after a complete one', '\\boxed{18} … wait, \\boxed{19'),
  wrong('a power is not its base', '\\boxed{2^{10}}', '2'),
  wrong('a power of a fraction is ambiguous', '\\boxed{3/2^2}', '0.75'),
  wrong('close but not equal', '\\boxed{18.01}'),
  wrong('ten times too big with dollar sign', '\\boxed{\\$180}'),
  wrong('fraction with the same digits', '\\boxed{1/8}'),
  wrong('\\frac with the same digits', '\\boxed{\\frac{1}{8}}'),
  wrong('digits swapped', '\\boxed{81}'),
  wrong('sign flipped', '\\boxed{-18}'),
  wrong('unicode minus sign flipped', '\\boxed{−18}'),
  wrong('percent as a fraction of one', '\\boxed{0.25}', '25'),
  wrong('percent of a fraction-of-one reference', '\\boxed{25\\%}', '0.25'),
  wrong('right box in the middle, wrong final box', 'First \\boxed{18}, then I recheck: \\boxed{16}'),
  wrong('right number in the middle, wrong final number', 'We had 18 apples, then ate 2, leaving 16.'),
  wrong('thousands versus decimal comma', '\\boxed{1,8}', '18'),
  wrong('two numbers in one box', '\\boxed{18 and 19}'),
  wrong('an expression, not a number', '\\boxed{18 - 3}'),
  wrong('rounded fraction', '\\boxed{0.33}', '1/3'),
  wrong('empty box then no number', '\\boxed{}'),
  wrong('non-numeric mismatch', '\\boxed{no}', 'yes'),
  wrong('number versus word', '\\boxed{18}', 'eighteen'),
];

describe('math answer judge: answer formats', () => {
  it('has at least 40 formats, right and wrong', () => {
    assert.ok(CASES.length >= 40);
    assert.ok(CASES.filter((c) => !c.isCorrect).length >= 10);
  });
  for (const c of CASES) {
    it(`${c.isCorrect ? 'accepts' : 'rejects'} ${c.name}: ${JSON.stringify(c.response)} vs ${c.reference}`, () => {
      const result = scoreMathAnswer(c.response, c.reference);
      assert.equal(result.isSuccess, c.isCorrect);
      assert.equal(result.reward, c.isCorrect ? 1 : 0);
    });
  }
});

const GSM8K_LINES = readFileSync('/work/shared/datasets/gsm8k/test.jsonl', 'utf8').split('\n');

function gsm8kAnswer(lineIndex: number): string {
  const line = GSM8K_LINES[lineIndex];
  assert.ok(line !== undefined, `gsm8k test line ${lineIndex}`);
  const record: unknown = JSON.parse(line);
  assert.ok(typeof record === 'object' && record !== null && 'answer' in record);
  assert.equal(typeof record.answer, 'string');
  return String(record.answer);
}

describe('math answer judge: GSM8K references', () => {
  const cases: { line: number; response: string; isCorrect: boolean }[] = [
    { line: 0, response: 'She sells 9 eggs for $2 each, so \\boxed{\\$18}.', isCorrect: true },
    { line: 0, response: '16 - 3 - 4 = 9 eggs, 9 * 2 = 18.\n#### 18', isCorrect: true },
    { line: 0, response: '\\boxed{9}', isCorrect: false },
    { line: 2, response: 'He made a profit of \\boxed{\\$70,000}.', isCorrect: true },
    { line: 2, response: 'The answer is 70000 dollars.', isCorrect: true },
    { line: 2, response: '\\boxed{7000}', isCorrect: false },
    { line: 146, response: '\\boxed{2125}', isCorrect: true },
    { line: 489, response: 'The average is \\boxed{-10} degrees.', isCorrect: true },
    { line: 489, response: 'The average is \\boxed{10} degrees.', isCorrect: false },
  ];
  for (const c of cases) {
    it(`line ${c.line}: ${JSON.stringify(c.response)}`, () => {
      const result = scoreMathAnswer(c.response, gsm8kAnswer(c.line));
      assert.equal(result.isSuccess, c.isCorrect);
    });
  }
});

const CONTEXT: JudgeContext = { calls: [], auxiliaryModels: {} };
const task = (referenceAnswer?: string): JudgeTask => ({
  id: 't1',
  query: 'How much?',
  metadata: {},
  ...(referenceAnswer === undefined ? {} : { referenceAnswer }),
});

describe('math answer judge: contract', () => {
  it('pays the configured rewards and reports the answer format', async () => {
    const judge = createMathAnswerJudge({ correctReward: 2, wrongReward: -1, noAnswerReward: -2 });
    const correct = await judge(task('#### 18'), { response: '\\boxed{18}' }, CONTEXT);
    assert.deepEqual(correct, {
      reward: 2,
      isSuccess: true,
      metrics: {
        'judge/has_answer': 1,
        'judge/format_boxed': 1,
        'judge/format_hash': 0,
        'judge/format_answer_phrase': 0,
        'judge/format_last_number': 0,
        'judge/correct': 1,
        'judge/numeric': 1,
      },
    });
    const incorrect = await judge(task('#### 18'), { response: '#### 17' }, CONTEXT);
    assert.equal(incorrect.reward, -1);
    assert.equal(incorrect.metrics['judge/format_hash'], 1);
    const none = await judge(task('#### 18'), { response: 'I do not know.' }, CONTEXT);
    assert.equal(none.reward, -2);
    assert.equal(none.metrics['judge/has_answer'], 0);
    const missing = await judge(task('#### 18'), {}, CONTEXT);
    assert.equal(missing.reward, -2);
  });

  it('grades finalAnswer before response', async () => {
    const judge = createMathAnswerJudge();
    const output = { finalAnswer: '18', response: 'scratch work … \\boxed{17}' };
    assert.equal((await judge(task('18'), output, CONTEXT)).isSuccess, true);
  });

  it('demands an explicit answer when the last-number fallback is switched off', async () => {
    const judge = createMathAnswerJudge({ sources: ['boxed', 'hash'] });
    const result = await judge(task('18'), { response: 'It is 18.' }, CONTEXT);
    assert.equal(result.reward, 0);
    assert.equal(result.metrics['judge/has_answer'], 0);
  });

  it('honours a looser relative tolerance', () => {
    assert.equal(scoreMathAnswer('\\boxed{0.333}', '1/3').isSuccess, false);
    assert.equal(scoreMathAnswer('\\boxed{0.333}', '1/3', { relativeTolerance: 1e-2 }).isSuccess, true);
  });

  it('throws RC_ERR_JUDGE_NO_REFERENCE naming the task when the reference is missing', async () => {
    const judge = createMathAnswerJudge();
    await assert.rejects(judge(task(), { response: '\\boxed{1}' }, CONTEXT), (error: unknown) => {
      assert.ok(isJudgeError(error));
      assert.equal(error.code, 'RC_ERR_JUDGE_NO_REFERENCE');
      assert.match(error.message, /"t1"/);
      return true;
    });
  });
});
