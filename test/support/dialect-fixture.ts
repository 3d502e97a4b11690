import { after, before } from 'node:test';
import { startFakeEngine, type FakeEngine } from '../fake-engine/server.ts';
import { FINAL_REPLY, TOOL_REPLY } from './conversation.ts';
import { startProxy, type Harness } from './proxy-harness.ts';

/**
 * One fake engine (3 tokens per streamed chunk) and a proxy in each mode in front of it, for the
 * dialect tests (Anthropic Messages, OpenAI Responses). Scripts: `calc` (a tool call, then the
 * answer), `think-calc` (reasoning before the tool call, then the answer), `stop-seq` (an answer
 * a stop sequence cuts), `three` (two tool calls, then the answer).
 */
export const THOUGHT = 'I should let the tool compute 6*7.';
export const THINK_TOOL_REPLY = `<think>${THOUGHT}</think>${TOOL_REPLY}`;
export const DOUBLE_REPLY = '<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(42 * 2)"}}\n</tool_call>';
export const STOPPED_TEXT = 'The answer is 42. ';
export const STOP_SEQUENCE = 'Done';

export type DialectFixture = { engine: FakeEngine; token: Harness; chat: Harness; proxies: readonly { mode: 'token' | 'chat'; proxy: Harness }[] };

export function withDialectFixture(): DialectFixture {
  const env = {} as DialectFixture;
  before(async () => {
    env.engine = await startFakeEngine({ chunkTokens: 3 });
    env.engine.script('calc', [TOOL_REPLY, FINAL_REPLY]);
    env.engine.script('think-calc', [THINK_TOOL_REPLY, FINAL_REPLY]);
    env.engine.script('stop-seq', [`${STOPPED_TEXT}${STOP_SEQUENCE}, and more after it.`]);
    env.engine.script('three', [TOOL_REPLY, DOUBLE_REPLY, FINAL_REPLY]);
    env.token = await startProxy([env.engine.url], { engine: { mode: 'token' } as never });
    env.chat = await startProxy([env.engine.url], { engine: { mode: 'chat' } as never });
    env.proxies = [{ mode: 'token', proxy: env.token }, { mode: 'chat', proxy: env.chat }];
  });
  after(async () => {
    await env.token?.close();
    await env.chat?.close();
    await env.engine?.close();
  });
  return env;
}

/** The admin view of a rollout's calls. */
export async function recordedCalls(proxy: Harness, rolloutId: string): Promise<any[]> {
  const view = await proxy.admin('GET', `/admin/rollouts/${rolloutId}`);
  return view.body.calls as any[];
}

/** Finishes the rollout and returns its samples' statistics. */
export async function finishedSamples(proxy: Harness, rolloutId: string): Promise<{ samples: number; merges: number; forks: number; drift: number }> {
  await proxy.admin('POST', `/admin/rollouts/${rolloutId}/finish`, { reward: 1 });
  const { body } = await proxy.admin('GET', `/admin/rollouts/${rolloutId}/samples`);
  return { samples: body.samples.length, merges: body.stats.merges, forks: body.stats.forks, drift: body.stats.driftEvents.length };
}
