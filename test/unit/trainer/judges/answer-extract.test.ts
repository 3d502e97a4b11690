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

describe('extractLastBoxed', () => {
  it('takes the last box and keeps nested braces', () => {
    assert.equal(extractLastBoxed('\\boxed{1} then \\boxed{\\frac{3}{4}}'), '\\frac{3}{4}');
    assert.equal(extractLastBoxed('\\boxed{\\text{{a}}}'), '\\text{{a}}');
  });
  it('reads \\fbox and a brace-less \\boxed token', () => {
    assert.equal(extractLastBoxed('so \\fbox{7}'), '7');
    assert.equal(extractLastBoxed('$\\boxed 42$'), '42');
  });
  it('skips a truncated or empty box for an earlier complete one', () => {
    assert.equal(extractLastBoxed('\\boxed{5} and \\boxed{6'), '5');
    assert.equal(extractLastBoxed('\\boxed{5} and \\boxed{ }'), '5');
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
});

describe('extractReferenceAnswer', () => {
  it('reads GSM8K, boxed and plain references', () => {
    assert.equal(extractReferenceAnswer('2+1=<<2+1=3>>3 bolts\n#### 3'), '3');
    assert.equal(extractReferenceAnswer('so \\boxed{\\frac{1}{2}}'), '\\frac{1}{2}');
    assert.equal(extractReferenceAnswer('  72 '), '72');
  });
});
