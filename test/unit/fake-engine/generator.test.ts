import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { Generator, type SamplingSpec } from '../../fake-engine/generator.ts';
import { closedAssistantTurns, ScriptBook } from '../../fake-engine/scripts.ts';
import { EOS_ID, FakeTokenizer } from '../../fake-engine/tokenizer.ts';

const tokenizer = new FakeTokenizer();
const scripts = new ScriptBook();
const generator = new Generator(tokenizer, scripts);
after(() => tokenizer.free());

const PROMPT = tokenizer.encode('<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n');
const SPEC: SamplingSpec = {
  seed: 7, temperature: 1, maxTokens: 100, n: 1, stop: [], stopTokenIds: [], includeStopStrInOutput: false, skipSpecialTokens: true, alternatives: 0,
};
const run = (spec: Partial<SamplingSpec> = {}, prompt = PROMPT, text = '') => generator.generate(prompt, text, { ...SPEC, ...spec });

describe('generator', () => {
  it('is a pure function of seed and prompt', () => {
    assert.deepEqual(run(), run());
    assert.notDeepEqual(run()[0]?.tokenIds, run({ seed: 8 })[0]?.tokenIds);
    assert.notDeepEqual(run()[0]?.tokenIds, run({}, [...PROMPT, 13])[0]?.tokenIds);
  });

  it('gives unseeded calls different outputs, greedy calls the same one', () => {
    assert.notDeepEqual(run({ seed: null })[0]?.tokenIds, run({ seed: null })[0]?.tokenIds);
    const greedy = run({ temperature: 0, n: 2, seed: null, alternatives: 3 });
    assert.deepEqual(greedy[0]?.tokenIds, greedy[1]?.tokenIds);
    assert.deepEqual(greedy[0]?.tokenIds, run({ temperature: 0, seed: 99 })[0]?.tokenIds);
    for (const [i, alternatives] of (greedy[0]?.alternatives ?? []).entries()) {
      assert.ok(alternatives.every((alt) => alt.logprob < (greedy[0]?.logprobs[i] ?? 0)), 'greedy samples the argmax');
    }
  });

  it('writes 8–40 tokens then EOS, with float32 negative logprobs', () => {
    for (let seed = 0; seed < 30; seed += 1) {
      const [choice] = run({ seed, alternatives: 2 });
      assert.ok(choice);
      assert.ok(choice.tokenIds.length >= 9 && choice.tokenIds.length <= 41, String(choice.tokenIds.length));
      assert.equal(choice.tokenIds.at(-1), EOS_ID);
      assert.equal(choice.finishReason, 'stop');
      assert.equal(choice.logprobs.length, choice.tokenIds.length);
      for (const lp of [...choice.logprobs, ...choice.alternatives.flat().map((alt) => alt.logprob)]) {
        assert.ok(lp < 0 && Math.fround(lp) === lp, String(lp));
      }
      assert.equal(choice.text, tokenizer.decode(choice.tokenIds, true));
      assert.equal(choice.textDeltas.join(''), choice.text);
    }
  });

  it('varies choices by index', () => {
    const [a, b] = run({ n: 2 });
    assert.notDeepEqual(a?.tokenIds, b?.tokenIds);
  });

  it('stops at max tokens with finish "length" and no EOS', () => {
    const [choice] = run({ maxTokens: 3 });
    assert.equal(choice?.tokenIds.length, 3);
    assert.notEqual(choice?.tokenIds.at(-1), EOS_ID);
    assert.equal(choice?.finishReason, 'length');
  });

  it('applies stop strings and stop token ids like vLLM', () => {
    scripts.set('stops', ['alpha beta gamma delta']);
    const text = 'x [[script:stops]]';
    const [byString] = run({ stop: [' gam'] }, PROMPT, text);
    assert.equal(byString?.text, 'alpha beta');
    assert.equal(byString?.stopReason, ' gam');
    assert.equal(byString?.finishReason, 'stop');
    assert.equal(byString?.textDeltas.join(''), 'alpha beta');
    assert.equal(tokenizer.decode(byString?.tokenIds ?? []), 'alpha beta gamma', 'the ids keep the token that completed the stop');
    const gammaId = tokenizer.encode(' gamma')[0] ?? -1;
    const [byId] = run({ stopTokenIds: [gammaId] }, PROMPT, text);
    assert.equal(byId?.stopReason, gammaId);
    assert.equal(byId?.text, 'alpha beta');
  });

  it('plays scripts by the number of closed assistant turns', () => {
    scripts.set('turns', ['first', 'second']);
    const turn0 = '[[script:turns]]<|im_start|>assistant\n';
    const turn1 = '[[script:turns]]<|im_start|>assistant\nfirst<|im_end|>\n<|im_start|>user\nok<|im_end|>\n<|im_start|>assistant\n';
    const turn2 = `${turn1}x<|im_end|>\n<|im_start|>assistant\n`;
    assert.equal(closedAssistantTurns(turn1), 1);
    assert.equal(run({}, PROMPT, turn0)[0]?.text, 'first');
    assert.equal(run({}, PROMPT, turn1)[0]?.text, 'second');
    assert.equal(run({}, PROMPT, turn2)[0]?.text, 'second', 'past the end the last reply repeats');
    assert.deepEqual(run({}, PROMPT, turn0)[0]?.tokenIds, [...tokenizer.encode('first'), EOS_ID]);
    assert.throws(() => run({}, PROMPT, '[[script:missing]]'), /no script named 'missing'/);
  });
});
