import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredCall } from '../../../src/store/records.ts';
import { CALC_TOOL, FINAL_REPLY, systemPrompt, TOOL_REPLY } from '../../support/conversation.ts';
import { withEngineAndProxy } from '../../support/proxy-harness.ts';
import { expandSent } from '../../../src/store/sent-record.ts';

const env = withEngineAndProxy({ engine: { chunkTokens: 3 }, script: (engine) => engine.script('calc', [TOOL_REPLY, FINAL_REPLY]) });

/** A spread of call shapes: streaming or not, tools, n > 1, length cut-offs, unicode. */
const SHAPES: Record<string, unknown>[] = [
  {},
  { stream: true },
  { n: 3 },
  { n: 2, stream: true },
  { max_tokens: 2 },
  { max_tokens: 2, stream: true },
  { tools: [CALC_TOOL], messages: [{ role: 'system', content: systemPrompt('calc') }, { role: 'user', content: '6*7?' }] },
  { tools: [CALC_TOOL], stream: true, messages: [{ role: 'system', content: systemPrompt('calc') }, { role: 'user', content: '6*7?' }] },
  { messages: [{ role: 'user', content: 'Grüße, 日本語, emoji 🎉 — answer in kind.' }], stream: true },
  { logprobs: true, top_logprobs: 2 },
];

async function directEngineAnswer(sentJson: string) {
  const sent = JSON.parse(sentJson) as Record<string, unknown>;
  const response = await fetch(`${env.engine.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...sent, stream: false, stream_options: undefined }) });
  return (await response.json()) as { prompt_token_ids: number[]; choices: { index: number; token_ids: number[]; logprobs: { content: { logprob: number }[] } }[] };
}

function checkInvariants(call: StoredCall): void {
  assert.equal(call.trainable, true, call.untrainableReason ?? '');
  let total = 0;
  for (const choice of call.choices) {
    assert.equal(choice.logprobs.length, choice.completionIds.length);
    total += choice.completionIds.length;
  }
  assert.equal(total, call.usage?.completionTokens);
  assert.equal(call.promptIds?.length, call.usage?.promptTokens);
}

test('every recorded call meets the capture invariants and equals what the engine reports', async () => {
  for (const shape of SHAPES) {
    const { apiKey, rolloutId } = await env.proxy.createRollout({ sampling: { seed: 42 } });
    const body = { model: 'fake-model', messages: [{ role: 'user', content: 'Tell me about tokens.' }], ...shape };
    const response = await fetch(`${env.proxy.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: JSON.stringify(body) });
    await response.text();
    assert.equal(response.status, 200);
    const [call] = env.proxy.store.calls.listForRollout(rolloutId);
    assert.ok(call, JSON.stringify(shape));
    checkInvariants(call);
    assert.equal(call.choices.length, (shape.n as number | undefined) ?? 1);
    const direct = await directEngineAnswer(JSON.stringify(expandSent(call.sentJson, call.requestJson, call.promptIds)));
    assert.deepEqual(call.promptIds, direct.prompt_token_ids, JSON.stringify(shape));
    for (const choice of call.choices) {
      const engineChoice = direct.choices.find((c) => c.index === choice.index);
      assert.deepEqual(choice.completionIds, engineChoice?.token_ids);
      assert.deepEqual(choice.logprobs, engineChoice?.logprobs.content.map((e) => e.logprob));
    }
  }
});
