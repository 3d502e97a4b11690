import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RenderRequest, TokenDriver } from '../../../../../proxy/drivers/driver-types.ts';
import { TurnDelta } from '../../../../../proxy/strategies/token-mode/turn-delta.ts';

const EOS = 2;
/** A toy ChatML where each message is [1, role, ...content, EOS, 9] and the reply drops think text once followed. */
function fakeDriver(): TokenDriver {
  const render = async (_http: unknown, request: RenderRequest): Promise<number[]> => {
    const ids: number[] = [];
    request.messages.forEach((m, i) => {
      const last = i === request.messages.length - 1;
      ids.push(1, m.role.length, ...(m.role === 'assistant' && !last ? [70] : [70, 71]), EOS, 9);
    });
    if (request.addGenerationPrompt) ids.push(1, 9);
    return ids;
  };
  return { render, tokenizeText: async () => [], generatePath: '', promptField: 'prompt', buildGenerateBody: () => ({}), readGeneration: () => ({ promptIds: null, choices: [], usage: null }), newGenerationStream: () => ({ push: () => [], result: () => ({ promptIds: null, choices: [], usage: null }) }) } as TokenDriver;
}

test('the delta starts after the reply EOS even when the template re-renders the stand-in reply differently', async () => {
  const delta = new TurnDelta(fakeDriver(), undefined);
  const result = await delta.delta({ http: async () => { throw new Error('unused'); }, appended: [{ role: 'tool', content: 'x' }], tools: undefined, kwargs: undefined, eosId: EOS, signal: new AbortController().signal });
  assert.ok('ids' in result);
  assert.deepEqual(result.ids, [9, 1, 4, 70, 71, EOS, 9, 1, 9]);
});

test('the EOS is the turn’s own last token when it stopped on it, else a learned one inserted synthetically', () => {
  const delta = new TurnDelta(fakeDriver(), undefined);
  const truncated = { callId: 1, choiceIndex: 0, promptIds: [5], completionIds: [6, 7], finishReason: 'length', stopReason: null };
  assert.equal(delta.eosFor(truncated), null, 'unknown until a turn stops on it');
  assert.deepEqual(delta.eosFor({ ...truncated, completionIds: [6, EOS], finishReason: 'stop' }), { eosId: EOS, synthetic: false });
  assert.deepEqual(delta.eosFor(truncated), { eosId: EOS, synthetic: true });
  assert.deepEqual(new TurnDelta(fakeDriver(), 42).eosFor(truncated), { eosId: 42, synthetic: true });
});
