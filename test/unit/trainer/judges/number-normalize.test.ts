import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeAnswerText } from '../../../../trainer/judges/latex-normalize.ts';
import { parseNumericAnswer } from '../../../../trainer/judges/number-normalize.ts';
import { compareAnswers, numbersMatch } from '../../../../trainer/judges/answer-compare.ts';

describe('normalizeAnswerText', () => {
  const cases: [string, string][] = [
    ['\\text{18 apples}', '18 apples'],
    ['$\\$18$', '$18'],
    ['\\frac{1}{2}', '1/2'],
    ['1\\frac{1}{2}', '1 1/2'],
    ['\\frac{\\frac{1}{2}}{3}', '(1/2)/3'],
    ['\\frac{a+b}{2}', '(a+b)/2'],
    ['\\left( 3 \\right)', '( 3 )'],
    ['25\\%', '25%'],
    ['90^{\\circ}', '90'],
    ['1.2\\times10^{-3}', '1.2e-3'],
    ['The final answer is: 7.', '7'],
    ['Answer: x = 7', '7'],
    ['y \\geq 3', 'y \\geq 3'],
    ['a <= 3', 'a <= 3'],
    ['{42}', '42'],
    ['**42**', '42'],
    ['−4', '-4'],
    ['1\u202F000', '1 000'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(normalizeAnswerText(input), expected);
    });
  }
});

describe('parseNumericAnswer', () => {
  const cases: [string, number | null][] = [
    ['18', 18],
    ['+18', 18],
    ['1,000,000', 1_000_000],
    ['1 000', 1000],
    ['$1,000.50', 1000.5],
    ['US$5', 5],
    ['USD 5', 5],
    ['-$5', -5],
    ['$-5', -5],
    ['25%', 25],
    ['3/4', 0.75],
    ['-1 1/2', -1.5],
    ['.25', 0.25],
    ['2e3', 2000],
    ['12 km/h', 12],
    ['9 m²', 9],
    ['1/0', null],
    ['1,5', null],
    ['(5)', null],
    ['-+5', null],
    ['5 and 6', null],
    ['18 - 3', null],
    ['eighteen', null],
    ['', null],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${String(expected)}`, () => {
      assert.equal(parseNumericAnswer(input), expected);
    });
  }
});

describe('compareAnswers', () => {
  it('applies a relative tolerance of 1e-6 by default', () => {
    assert.equal(numbersMatch(1e9, 1e9 + 100, 1e-6), true);
    assert.equal(numbersMatch(1e9, 1e9 + 10_000, 1e-6), false);
    assert.equal(numbersMatch(0, 1e-12, 1e-6), false);
    assert.equal(numbersMatch(0, 0, 1e-6), true);
  });
  it('reports whether the comparison was numeric', () => {
    assert.deepEqual(compareAnswers('\\$18.00', '18'), {
      isMatch: true,
      isNumeric: true,
      predicted: '$18.00',
      reference: '18',
    });
    assert.equal(compareAnswers('\\text{B}', 'b').isNumeric, false);
    assert.equal(compareAnswers('\\text{B}', 'b').isMatch, true);
    assert.equal(compareAnswers('', '').isMatch, false);
  });
});
