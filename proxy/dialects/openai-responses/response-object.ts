import { randomBytes } from 'node:crypto';
import type { Usage } from '../../../src/store/records.ts';
import type { ResponsesOutputItem, ResponsesRequest, ResponsesResponse, ResponsesStatus, ResponsesUsage } from '../../../src/wire/openai-responses.ts';
import type { ChatReply } from '../chat-reply.ts';

/**
 * A chat reply rendered as a Responses `response` object: output items in the order the model
 * wrote them — `reasoning` (its text as `reasoning_text` content: open-weight reasoning is not
 * summarized or encrypted), a `message` with one `output_text` part, a `function_call` per tool
 * call (`call_id` = the tool call's id, `arguments` as produced) — and usage. A turn cut by the
 * token budget is `incomplete` with reason `max_output_tokens`. The request's settings are echoed
 * as the API echoes them.
 */
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export const newResponseId = (): string => `resp_${hex(24)}`;
export const newItemId = (prefix: 'msg' | 'fc' | 'rs'): string => `${prefix}_${hex(24)}`;

/** What every snapshot of one response shares. */
export type ResponseHead = Omit<ResponsesResponse, 'status' | 'error' | 'incomplete_details' | 'output' | 'usage' | 'model'>;

export function responseHead(id: string, body: ResponsesRequest): ResponseHead {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    store: body.store ?? true,
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    text: body.text ?? { format: { type: 'text' } },
    truncation: 'disabled',
    metadata: body.metadata ?? {},
  };
}

export function responsesUsage(usage: Usage | null): ResponsesUsage | null {
  if (usage === null) return null;
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.totalTokens,
  };
}

/** How a finished reply ends its response. */
export function finalStatus(reply: Pick<ChatReply, 'finishReason'>): { status: ResponsesStatus; incomplete_details: ResponsesResponse['incomplete_details'] } {
  return reply.finishReason === 'length' ? { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } : { status: 'completed', incomplete_details: null };
}

/** The output items of a reply; only the last one of a cut turn is `incomplete`, as in a stream, where items before it were done. */
export function outputItems(reply: ChatReply): ResponsesOutputItem[] {
  const status = 'completed' as const;
  const items: ResponsesOutputItem[] = [];
  if (reply.reasoning !== null) items.push({ type: 'reasoning', id: newItemId('rs'), summary: [], content: [{ type: 'reasoning_text', text: reply.reasoning }], status });
  if (reply.content !== null) items.push({ type: 'message', id: newItemId('msg'), status, role: 'assistant', content: [{ type: 'output_text', text: reply.content, annotations: [], logprobs: [] }] });
  for (const call of reply.toolCalls) items.push({ type: 'function_call', id: newItemId('fc'), call_id: call.id, name: call.function.name, arguments: call.function.arguments, status });
  const last = items.at(-1);
  if (last !== undefined && finalStatus(reply).status === 'incomplete') last.status = 'incomplete';
  return items;
}

/** The whole response of a finished reply. */
export function responseObject(head: ResponseHead, reply: ChatReply, output: ResponsesOutputItem[], usage: Usage | null): ResponsesResponse {
  return { ...head, model: reply.model, ...finalStatus(reply), error: null, output, usage: responsesUsage(usage) };
}
