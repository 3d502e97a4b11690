import { z } from 'zod';

/**
 * OpenAI Responses API wire types (`POST /v1/responses`), as the `openai` SDK's `responses.create`
 * sends and reads them. Validated loosely: items only by their `type`/`role` here (the
 * translation names an unsupported item by its path), unknown parameters pass untouched.
 *
 * @example
 * const body: ResponsesRequest = { model: 'qwen', input: 'What is 6*7?', instructions: 'Be brief.' };
 */

export const ResponsesInputItemSchema = z.looseObject({ type: z.string().optional(), role: z.string().optional() });

export const ResponsesToolSchema = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  description: z.string().nullable().optional(),
  parameters: z.looseObject({}).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

export const ResponsesRequestSchema = z.looseObject({
  model: z.string().min(1).optional(),
  input: z.union([z.string(), z.array(ResponsesInputItemSchema)]).optional(),
  instructions: z.string().nullable().optional(),
  tools: z.array(ResponsesToolSchema).nullable().optional(),
  tool_choice: z.union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.string(), name: z.string().optional() })]).nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  previous_response_id: z.string().min(1).nullable().optional(),
  store: z.boolean().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  background: z.boolean().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  text: z.looseObject({ format: z.looseObject({ type: z.string() }).optional() }).nullable().optional(),
});

export type ResponsesInputItem = z.infer<typeof ResponsesInputItemSchema>;
export type ResponsesTool = z.infer<typeof ResponsesToolSchema>;
export type ResponsesRequest = z.infer<typeof ResponsesRequestSchema>;

export type ResponsesOutputText = { type: 'output_text'; text: string; annotations: unknown[]; logprobs: unknown[] };
export type ResponsesReasoningText = { type: 'reasoning_text'; text: string };
type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export type ResponsesMessageItem = { type: 'message'; id: string; status: ItemStatus; role: 'assistant'; content: ResponsesOutputText[] };
export type ResponsesFunctionCallItem = { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: ItemStatus };
/** Open-weight reasoning is returned as `content` text (no summary, nothing encrypted). */
export type ResponsesReasoningItem = { type: 'reasoning'; id: string; summary: unknown[]; content: ResponsesReasoningText[]; status: ItemStatus };
export type ResponsesOutputItem = ResponsesMessageItem | ResponsesFunctionCallItem | ResponsesReasoningItem;

export type ResponsesUsage = {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
};

export type ResponsesStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** The response object (`object: "response"`), whole or as the stream's snapshots carry it. */
export type ResponsesResponse = {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponsesStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponsesOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  store: boolean;
  temperature: number | null;
  top_p: number | null;
  tool_choice: unknown;
  tools: unknown[];
  text: unknown;
  truncation: 'disabled';
  metadata: Record<string, string>;
  usage: ResponsesUsage | null;
};

type Seq = { sequence_number: number };
type At = { item_id: string; output_index: number };
type Part = At & { content_index: number };

/** The semantic events of a streamed response, each sent as `event: <type>` + `data: <json>`. */
export type ResponsesStreamEvent = Seq &
  (
    | { type: 'response.created' | 'response.in_progress' | 'response.completed' | 'response.incomplete' | 'response.failed'; response: ResponsesResponse }
    | { type: 'response.output_item.added' | 'response.output_item.done'; output_index: number; item: ResponsesOutputItem }
    | ({ type: 'response.content_part.added' | 'response.content_part.done'; part: ResponsesOutputText | ResponsesReasoningText } & Part)
    | ({ type: 'response.output_text.delta'; delta: string; logprobs: unknown[] } & Part)
    | ({ type: 'response.output_text.done'; text: string; logprobs: unknown[] } & Part)
    | ({ type: 'response.reasoning_text.delta'; delta: string } & Part)
    | ({ type: 'response.reasoning_text.done'; text: string } & Part)
    | ({ type: 'response.function_call_arguments.delta'; delta: string } & At)
    | ({ type: 'response.function_call_arguments.done'; arguments: string; name: string } & At)
    | { type: 'error'; code: string; message: string; param: string | null }
  );
