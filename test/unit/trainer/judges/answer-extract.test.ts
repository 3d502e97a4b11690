import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  extractAnswer,
  extractAnswerPhrase,
  extractHashAnswer,
  extractLastBoxed,
  extractLastNumber,
  extractReferenceAnswer,
} from '../../../../trainer/judges/answer-extract.ts';
import { answerProse } from '../../../../trainer/judges/answer-prose.ts';

describe('extractLastBoxed', () => {
  it('takes the last box and keeps nested braces', () => {
    assert.equal(extractLastBoxed('\\boxed{1} then \\boxed{\\frac{3}{4}}'), '\\frac{3}{4}');
    assert.equal(extractLastBoxed('\\boxed{\\text{{a}}}'), '\\text{{a}}');
  });
  it('reads \\fbox and a brace-less \\boxed token', () => {
    assert.equal(extractLastBoxed('so \\fbox{7}'), '7');
    assert.equal(extractLastBoxed('$\\boxed 42$'), '42');
  });
  it('skips an empty box for an earlier complete one, but a truncated last box is no answer', () => {
    assert.equal(extractLastBoxed('\\boxed{5} and \\boxed{ }'), '5');
    assert.equal(extractLastBoxed('\\boxed{5} and \\boxed{6'), null);
    assert.equal(extractLastBoxed('\\boxed{6'), null);
  });
  it('does not take \\boxedsomething as a box', () => {
    assert.equal(extractLastBoxed('\\boxedx{5}'), null);
  });
});

describe('extractHashAnswer', () => {
  it('takes the rest of the line after the last ####', () => {
    assert.equal(extractHashAnswer('#### 3\nmore\n#### 1,600\n'), '1,600');
  });
  it('ignores an empty #### line', () => {
    assert.equal(extractHashAnswer('#### 3\n####\n'), '3');
  });
});

describe('extractAnswerPhrase', () => {
  it('takes the number right after the last answer phrase', () => {
    assert.equal(extractAnswerPhrase('The answer is 18 (not 17.5).'), '18');
    assert.equal(extractAnswerPhrase('Answer: $1,250.'), '1,250');
    assert.equal(extractAnswerPhrase('Final answer: x = -3'), '-3');
  });
  it('does not pick a number far behind the phrase', () => {
    assert.equal(extractAnswerPhrase('The answer is simple: add 3 and 4 to get 7.'), null);
  });
});

describe('extractLastNumber', () => {
  it('finds the last number, with commas, decimals, fractions and signs', () => {
    assert.equal(extractLastNumber('she pays $1,250.'), '1,250');
    assert.equal(extractLastNumber('it is 3.75 kg'), '3.75');
    assert.equal(extractLastNumber('about 1 1/2 cups'), '1 1/2');
    assert.equal(extractLastNumber('a drop of -7 degrees'), '-7');
    assert.equal(extractLastNumber('values 5,6'), '6');
  });
  it('reads subtraction as subtraction and skips digits inside words', () => {
    assert.equal(extractLastNumber('16-3'), '3');
    assert.equal(extractLastNumber('12 moles of H2O'), '12');
  });
  it('returns null without digits', () => {
    assert.equal(extractLastNumber('no idea'), null);
  });
});

describe('extractAnswer', () => {
  it('prefers a box over #### over a phrase over the last number', () => {
    assert.deepEqual(extractAnswer('#### 2 \\boxed{1} The answer is 3. 4'), {
      text: '1',
      source: 'boxed',
    });
    assert.deepEqual(extractAnswer('#### 2\nThe answer is 3. 4'), { text: '2', source: 'hash' });
    assert.deepEqual(extractAnswer('The answer is 3. Then 4'), { text: '3', source: 'answer_phrase' });
    assert.deepEqual(extractAnswer('first 3 then 4'), { text: '4', source: 'last_number' });
  });
  it('uses only the sources it is given', () => {
    assert.equal(extractAnswer('it is 4', ['boxed', 'hash']), null);
  });
  it('never takes a number from tool-call markup or code, and gives none after an unclosed last box', () => {
    assert.equal(extractAnswer('<tool_call>\n{"name": "python", "arguments": {"code": "print(4)"}}\n</tool_call>'), null);
    assert.deepEqual(extractAnswer('3 apples <tool_call>{"arguments": {"code": "print(4)"}}</tool_call>'), { text: '3', source: 'last_number' });
    assert.equal(extractAnswer('```py\nprint(4)\n```'), null);
    assert.equal(extractAnswer('it is 3, so \\boxed{4'), null);
  });
});

describe('answerProse', () => {
  it('removes tool calls, code blocks and code spans, keeping a lone number in backticks', () => {
    assert.equal(answerProse('a <tool_call>{"x": 1}</tool_call> b').replace(/\s+/g, ' '), 'a b');
    assert.equal(answerProse('a <function=f><parameter=x>1</parameter></function> b').replace(/\s+/g, ' '), 'a b');
    assert.equal(answerProse('a\n~~~\n1\n~~~\nb').replace(/\s+/g, ' '), 'a b');
    assert.equal(answerProse('a `f(1)` b `2`'), 'a   b `2`');
  });
});

describe('extractReferenceAnswer', () => {
  it('reads GSM8K, boxed and plain references', () => {
    assert.equal(extractReferenceAnswer('2+1=<<2+1=3>>3 bolts\n#### 3'), '3');
    assert.equal(extractReferenceAnswer('so \\boxed{\\frac{1}{2}}'), '\\frac{1}{2}');
    assert.equal(extractReferenceAnswer('  72 '), '72');
  });
});
