import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RollcallError } from '../../../../src/errors/rollcall-error.ts';
import type { RolloutLimits } from '../../../../src/wire/admin.ts';
import { reserveTokens, type BudgetedRollout } from '../../../../proxy/rollouts/call-budget.ts';

const rollout = (limits: RolloutLimits, tokensUsed = 0): BudgetedRollout => ({ record: { id: 'ro_1', limits }, tokensUsed, tokensReserved: 0 });
const tokenLimit = (error: unknown) => error instanceof RollcallError && error.code === 'RC_ERR_ROLLOUT_TOKEN_LIMIT';

describe('token reservations', () => {
  it('without a total budget only the per-turn cap bounds each choice, and usage is counted', () => {
    const r = rollout({ maxTokensPerTurn: 50 });
    const ticket = reserveTokens(r, { choices: 16, clientMaxTokens: undefined });
    assert.equal(ticket.cap, 50);
    assert.equal(ticket.countsPrompt, false);
    assert.equal(ticket.capFor(1000), 50);
    ticket.settle(700);
    assert.equal(r.tokensUsed, 700);
  });

  it('n choices share what the prompt leaves of the budget, so the call cannot spend more than it', () => {
    const r = rollout({ maxTotalTokens: 100 });
    const ticket = reserveTokens(r, { choices: 16, clientMaxTokens: undefined });
    assert.equal(r.tokensReserved, 100, 'an unbounded call holds everything left');
    assert.equal(ticket.cap, 6);
    assert.equal(ticket.capFor(20), 5, '(100 - 20) / 16');
    ticket.settle(20 + 16 * 5);
    assert.deepEqual([r.tokensUsed, r.tokensReserved], [100, 0]);
  });

  it('a bounded call holds prompt + n × its bound, and leaves the rest to other calls in flight', () => {
    const r = rollout({ maxTotalTokens: 1000, maxTokensPerTurn: 50 });
    const first = reserveTokens(r, { choices: 4, clientMaxTokens: 30 });
    assert.equal(r.tokensReserved, 120, '4 × min(50, 30)');
    assert.equal(first.capFor(100), 30);
    assert.equal(r.tokensReserved, 220, 'grown by the prompt');
    const second = reserveTokens(r, { choices: 1, clientMaxTokens: undefined });
    assert.equal(second.cap, 50);
    assert.equal(second.capFor(10), 50);
    assert.equal(r.tokensReserved, 280);
    first.settle(150);
    second.settle(40);
    assert.deepEqual([r.tokensUsed, r.tokensReserved], [190, 0], 'settled to what the calls really used');
  });

  it('concurrent calls never hold more than the budget; the one that finds too little is refused', () => {
    const r = rollout({ maxTotalTokens: 100, maxTokensPerTurn: 30 });
    const held = [reserveTokens(r, { choices: 1, clientMaxTokens: undefined }), reserveTokens(r, { choices: 1, clientMaxTokens: undefined }), reserveTokens(r, { choices: 1, clientMaxTokens: undefined })];
    assert.equal(r.tokensReserved, 90);
    const fourth = reserveTokens(r, { choices: 1, clientMaxTokens: undefined });
    assert.equal(fourth.cap, 10, 'only what is left');
    assert.throws(() => reserveTokens(r, { choices: 1, clientMaxTokens: undefined }), tokenLimit);
    for (const ticket of held) ticket.settle(5);
    assert.equal(reserveTokens(r, { choices: 1, clientMaxTokens: undefined }).cap, 30, 'settling gave the unused tokens back');
  });

  it('a prompt that leaves less than one token per choice is refused, naming why', () => {
    const r = rollout({ maxTotalTokens: 100 });
    const ticket = reserveTokens(r, { choices: 8, clientMaxTokens: undefined });
    assert.throws(() => ticket.capFor(95), (error: unknown) => tokenLimit(error) && /a prompt of 95 tokens leaves 5 for 8 choices/.test((error as Error).message));
    assert.throws(() => reserveTokens(rollout({ maxTotalTokens: 100 }, 95), { choices: 8, clientMaxTokens: undefined }), tokenLimit);
  });

  it('settling twice counts once', () => {
    const r = rollout({ maxTotalTokens: 100 });
    const ticket = reserveTokens(r, { choices: 1, clientMaxTokens: 10 });
    ticket.settle(7);
    ticket.settle(7);
    assert.deepEqual([r.tokensUsed, r.tokensReserved], [7, 0]);
  });
});
