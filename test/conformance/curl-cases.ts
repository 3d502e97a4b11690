import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ClientCase } from '../support/conformance-case.ts';
import type { ClientContext } from '../support/conformance-fixture.ts';
import { CALC_TOOL, chatMessagesFor, SCENARIOS, type Reply } from '../support/conformance-scenarios.ts';

/**
 * `curl` as in the API reference: a unary POST, and `curl -N` printing the stream as it comes;
 * the output is read the way a shell user reads it (each `data:` line's `choices[0]`).
 */

const run = promisify(execFile);

type Chunk = { choices?: { delta?: { content?: string | null; tool_calls?: { index: number; function?: { name?: string; arguments?: string } }[] }; finish_reason?: string | null }[] };
type Completion = { choices: { message: { content: string | null; tool_calls?: { function: { name: string; arguments: string } }[] }; finish_reason: string }[] };

async function curl(c: ClientContext, stream: boolean): Promise<string> {
  const body = JSON.stringify({ model: c.model, messages: chatMessagesFor(SCENARIOS.textThenTool), tools: [CALC_TOOL], stream });
  const args = ['-sS', '--fail-with-body', ...(stream ? ['-N'] : []), `${c.baseUrl}/chat/completions`, '-H', 'Content-Type: application/json', '-H', `Authorization: Bearer ${c.apiKey}`, '-d', body];
  return (await run('curl', args, { timeout: 12_000 })).stdout;
}

function readUnary(stdout: string): Reply {
  const choice = (JSON.parse(stdout) as Completion).choices[0];
  const toolCalls = (choice?.message.tool_calls ?? []).map((call) => ({ name: call.function.name, arguments: JSON.parse(call.function.arguments) as unknown }));
  return { text: choice?.message.content ?? '', toolCalls, finishReason: choice?.finish_reason ?? null };
}

function readStream(stdout: string): Reply {
  const reply: Reply = { text: '', toolCalls: [], finishReason: null };
  const calls: { name: string; arguments: string }[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const choice = (JSON.parse(line.slice('data: '.length)) as Chunk).choices?.[0];
    reply.text += choice?.delta?.content ?? '';
    for (const delta of choice?.delta?.tool_calls ?? []) {
      const call = (calls[delta.index] ??= { name: '', arguments: '' });
      call.name += delta.function?.name ?? '';
      call.arguments += delta.function?.arguments ?? '';
    }
    if (choice?.finish_reason) reply.finishReason = choice.finish_reason;
  }
  reply.toolCalls = calls.map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) as unknown }));
  return reply;
}

export const CURL_CASES: ClientCase[] = [
  { client: 'curl', name: 'unary', streaming: false, scenario: SCENARIOS.textThenTool, userSampling: false, run: async (c) => [readUnary(await curl(c, false))] },
  { client: 'curl', name: '-N stream choices[0]', streaming: true, scenario: SCENARIOS.textThenTool, userSampling: false, run: async (c) => [readStream(await curl(c, true))] },
];
