/**
 * Test-side helpers for talking to the fake engine: JSON posts, SSE parsing, and reassembling a
 * streamed chat completion per choice the way a recording proxy would.
 */

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export async function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const result = await post(url, body, headers);
  if (result.status !== 200) throw new Error(`HTTP ${result.status}: ${result.text}`);
  return JSON.parse(result.text) as T;
}

/** The `data:` payloads of an SSE body, in order (including "[DONE]"). */
export function ssePayloads(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

/** Parsed JSON events, without the final "[DONE]". */
export function sseJson<T>(text: string): T[] {
  return ssePayloads(text)
    .filter((payload) => payload !== '[DONE]')
    .map((payload) => JSON.parse(payload) as T);
}

export interface LogprobEntry {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

export interface ToolCallBody {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatChoice {
  index: number;
  message: {
    role: string;
    content: string | null;
    tool_calls: ToolCallBody[];
    reasoning: string | null;
    [key: string]: unknown;
  };
  logprobs: { content: LogprobEntry[] } | null;
  finish_reason: string;
  stop_reason: string | number | null;
  token_ids: number[] | null;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: null;
}

export interface ChatCompletion {
  id: string;
  object: string;
  model: string;
  choices: ChatChoice[];
  usage: Usage;
  prompt_token_ids: number[] | null;
  [key: string]: unknown;
}

export interface DeltaToolCall {
  id?: string;
  type?: string;
  index: number;
  function: { name?: string; arguments?: string };
}

export interface ChatChunk {
  id: string;
  object: string;
  choices: Array<{
    index: number;
    delta: { role?: string; content?: string | null; reasoning?: string; tool_calls?: DeltaToolCall[] };
    logprobs: { content: LogprobEntry[] } | null;
    finish_reason: string | null;
    stop_reason?: string | number | null;
    token_ids?: number[] | null;
  }>;
  usage?: Usage;
  prompt_token_ids?: number[] | null;
}

export interface ReassembledChoice {
  tokenIds: number[];
  logprobs: LogprobEntry[];
  content: string | null;
  reasoning: string | null;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReason: string | null;
  stopReason: string | number | null;
}

/** Concatenates each choice's deltas, ids and logprobs over the chunks. */
export function reassembleChat(chunks: readonly ChatChunk[]): ReassembledChoice[] {
  const out: ReassembledChoice[] = [];
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      const acc = (out[choice.index] ??= {
        tokenIds: [], logprobs: [], content: null, reasoning: null, toolCalls: [], finishReason: null, stopReason: null,
      });
      acc.tokenIds.push(...(choice.token_ids ?? []));
      acc.logprobs.push(...(choice.logprobs?.content ?? []));
      const { delta } = choice;
      if (typeof delta.content === 'string' && delta.role === undefined) acc.content = (acc.content ?? '') + delta.content;
      if (typeof delta.reasoning === 'string') acc.reasoning = (acc.reasoning ?? '') + delta.reasoning;
      for (const call of delta.tool_calls ?? []) {
        const target = (acc.toolCalls[call.index] ??= { id: '', name: '', arguments: '' });
        if (call.id !== undefined) target.id = call.id;
        target.name += call.function.name ?? '';
        target.arguments += call.function.arguments ?? '';
      }
      if (choice.finish_reason !== null) {
        acc.finishReason = choice.finish_reason;
        acc.stopReason = choice.stop_reason ?? null;
      }
    }
  }
  return out;
}

export const CALC_TOOL = {
  type: 'function',
  function: {
    name: 'execute_python_code',
    description: 'Run Python code and print the result',
    parameters: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
  },
} as const;

export const TOOL_REPLY = '<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(2+2)"}}\n</tool_call>';
export const FINAL_REPLY = 'The answer is \\boxed{4}.';
