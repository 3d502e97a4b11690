import { z } from 'zod';

/**
 * Anthropic Messages API wire types (`POST /v1/messages`, `POST /v1/messages/count_tokens`), as
 * `@anthropic-ai/sdk` sends and reads them. Requests are validated loosely like chat requests:
 * the fields rollcall reads are type-checked, content blocks only by their `type` here (the
 * translation names an unsupported block by its path), everything else passes untouched.
 *
 * @example
 * const body: AnthropicRequest = { model: 'qwen', max_tokens: 512, messages: [{ role: 'user', content: 'Hi' }] };
 */

/** Any content block; its `type` decides how it is read. */
export const AnthropicBlockSchema = z.looseObject({ type: z.string() });

export const AnthropicMessageParamSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(AnthropicBlockSchema)]),
});

export const AnthropicToolSchema = z.looseObject({
  name: z.string().min(1),
  type: z.string().nullable().optional(),
  description: z.string().optional(),
  input_schema: z.looseObject({}).optional(),
});

export const AnthropicToolChoiceSchema = z.looseObject({
  type: z.enum(['auto', 'any', 'tool', 'none']),
  name: z.string().optional(),
  disable_parallel_tool_use: z.boolean().optional(),
});

const countFields = {
  model: z.string().min(1),
  messages: z.array(AnthropicMessageParamSchema).min(1, 'messages must hold at least one message'),
  system: z.union([z.string(), z.array(AnthropicBlockSchema)]).optional(),
  tools: z.array(AnthropicToolSchema).optional(),
  tool_choice: AnthropicToolChoiceSchema.optional(),
  thinking: z.looseObject({ type: z.string() }).optional(),
};

export const AnthropicRequestSchema = z.looseObject({
  ...countFields,
  max_tokens: z.number().int().positive(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
});

export const AnthropicCountTokensRequestSchema = z.looseObject(countFields);

export type AnthropicBlock = z.infer<typeof AnthropicBlockSchema>;
export type AnthropicMessageParam = z.infer<typeof AnthropicMessageParamSchema>;
export type AnthropicTool = z.infer<typeof AnthropicToolSchema>;
export type AnthropicRequest = z.infer<typeof AnthropicRequestSchema>;
export type AnthropicCountTokensRequest = z.infer<typeof AnthropicCountTokensRequestSchema>;

export type AnthropicTextBlock = { type: 'text'; text: string };
/** Open-weight reasoning carries no signature; the field is kept (empty) for clients that read it. */
export type AnthropicThinkingBlock = { type: 'thinking'; thinking: string; signature: string };
export type AnthropicToolUseBlock = { type: 'tool_use'; id: string; name: string; input: unknown };
export type AnthropicContentBlock = AnthropicTextBlock | AnthropicThinkingBlock | AnthropicToolUseBlock;

export const ANTHROPIC_STOP_REASONS = ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use'] as const;
export type AnthropicStopReason = (typeof ANTHROPIC_STOP_REASONS)[number];

export type AnthropicUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
};

/** A whole answer (`type: "message"`). */
export type AnthropicMessage = {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
};

export type AnthropicDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'input_json_delta'; partial_json: string };

/** The events of a streamed answer, each sent as `event: <type>` + `data: <json>`. */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | { type: 'content_block_start'; index: number; content_block: AnthropicContentBlock }
  | { type: 'ping' }
  | { type: 'content_block_delta'; index: number; delta: AnthropicDelta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: AnthropicStopReason | null; stop_sequence: string | null }; usage: { input_tokens: number; output_tokens: number } }
  | { type: 'message_stop' }
  | AnthropicErrorBody;

/** The error shape, as a body and as a stream event; `code` is rollcall's registry code. */
export type AnthropicErrorBody = { type: 'error'; error: { type: string; message: string; code: string } };

/** `POST /v1/messages/count_tokens` answers this. */
export type AnthropicTokenCount = { input_tokens: number };
