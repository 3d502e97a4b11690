import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import { withEngineAndProxy } from '../../support/proxy-harness.ts';

/**
 * A rollout's token budget holds under `n` and under concurrency, in both modes: whatever the
 * agent asks, the recorded usage of its calls never sums past `maxTotalTokens`; calls that would
 * are refused with RC_ERR_ROLLOUT_TOKEN_LIMIT; the per-turn cap bounds each choice; and what a
 * call reserved but did not use goes back to the rollout.
 */
for (const mode of ['chat', 'token'] as const) {
  describe(`token budgets in ${mode} mode`, () => {
    const env = withEngineAndProxy({ proxy: { engine: { mode } as never } });

    const spent = (rolloutId: string) => env.proxy.store.calls.listForRollout(rolloutId).reduce((sum, call) => sum + (call.usage?.totalTokens ?? 0), 0);

    async function ask(apiKey: string, body: Record<string, unknown>): Promise<{ status: number; json: any }> {
      const response = await fetch(`${env.proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'Tell me a long story about budgets.' }], ...body }),
      });
      return { status: response.status, json: await response.json() };
    }

    test('n = 16 on a 100-token budget: each answer fits, and the calls until the refusal spend at most 100', async () => {
      const { rolloutId, apiKey } = await env.proxy.createRollout({ limits: { maxTotalTokens: 100 } });
      const first = await ask(apiKey, { n: 16, temperature: 0.8 });
      assert.equal(first.status, 200, JSON.stringify(first.json));
      assert.equal(first.json.choices.length, 16);
      assert.ok(first.json.usage.total_tokens <= 100, `one call spent ${first.json.usage.total_tokens}`);
      let last = first;
      for (let i = 0; i < 20 && last.status === 200; i++) last = await ask(apiKey, { n: 16, temperature: 0.8 });
      assert.equal(last.status, 403);
      assert.equal(last.json.error.code, 'RC_ERR_ROLLOUT_TOKEN_LIMIT');
      assert.ok(spent(rolloutId) <= 100, `the rollout spent ${spent(rolloutId)} of 100`);
    });

    test('30 concurrent calls on a 300-token budget never spend more than it; the refused ones get 403', async () => {
      const { rolloutId, apiKey } = await env.proxy.createRollout({ limits: { maxTotalTokens: 300 } });
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(apiKey, { n: 1 + (i % 3), stream: i % 2 === 1 ? false : undefined })));
      const statuses = answers.map((a) => a.status);
      assert.ok(statuses.includes(200), 'some calls were answered');
      assert.ok(statuses.every((s) => s === 200 || s === 403), JSON.stringify(statuses));
      assert.ok(answers.filter((a) => a.status === 403).every((a) => a.json.error.code === 'RC_ERR_ROLLOUT_TOKEN_LIMIT'));
      assert.ok(spent(rolloutId) <= 300, `the rollout spent ${spent(rolloutId)} of 300`);
    });

    test('the per-turn cap bounds each of n choices, also under a total budget; unused reservations go back', async () => {
      const { rolloutId, apiKey } = await env.proxy.createRollout({ limits: { maxTokensPerTurn: 5, maxTotalTokens: 400 } });
      const answers = await Promise.all(Array.from({ length: 6 }, () => ask(apiKey, { n: 4, max_tokens: 500 })));
      for (const answer of answers.filter((a) => a.status === 200)) {
        assert.equal(answer.json.choices.length, 4);
        for (const choice of answer.json.choices) assert.equal(choice.finish_reason, 'length');
        assert.ok(answer.json.usage.completion_tokens <= 4 * 5);
      }
      const calls = env.proxy.store.calls.listForRollout(rolloutId);
      for (const call of calls) for (const choice of call.choices) assert.ok(choice.completionIds.length <= 5);
      // Call on until refused: the budget is then nearly used up, which it could not be if
      // reservations of finished calls were still held.
      let status = 200;
      let refusal = '';
      while (status === 200) ({ status, json: { error: { message: refusal } = { message: '' } } } = await ask(apiKey, { n: 4 }));
      assert.equal(status, 403);
      assert.match(refusal, /0 held by calls in flight/);
      const promptTokens = calls[0]?.usage?.promptTokens ?? 0;
      assert.ok(spent(rolloutId) <= 400 && spent(rolloutId) > 400 - (promptTokens + 4 * 5), `spent ${spent(rolloutId)} of 400`);
    });

    test('a streamed n = 4 call on a tight budget is bounded the same way', async () => {
      const { rolloutId, apiKey } = await env.proxy.createRollout({ limits: { maxTotalTokens: 60 } });
      const openai = new OpenAI({ baseURL: `${env.proxy.url}/v1`, apiKey, maxRetries: 0 });
      const stream = await openai.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'Go on.' }], n: 4, stream: true, stream_options: { include_usage: true } });
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) usage = chunk.usage ?? usage;
      assert.ok(usage !== undefined && usage.total_tokens <= 60, `spent ${usage?.total_tokens}`);
      assert.ok(spent(rolloutId) <= 60);
    });
  });
}
