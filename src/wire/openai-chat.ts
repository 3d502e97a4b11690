import { z } from 'zod';

/**
 * OpenAI chat-completion wire types. Requests are validated loosely: the fields rollcall reads
 * are type-checked, every other parameter passes through untouched (the API grows).
 * Wire fields stay snake_case.
 */

const ToolCallSchema = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

export const ChatMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(ToolCallSchema).optional(),
  tool_call_id: z.string().optional(),
  reasoning: z.string().nullable().optional(),
  reasoning_content: z.string().nullable().optional(),
});

const positiveInt = z.number().int().positive();

export const ChatRequestSchema = z.looseObject({
  model: z.string().nullable().optional(),
  messages: z.array(ChatMessageSchema).min(1, 'messages must hold at least one message'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  n: positiveInt.nullable().optional(),
  max_tokens: positiveInt.nullable().optional(),
  max_completion_tokens: positiveInt.nullable().optional(),
  temperature: z.number().min(0).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).nullable().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).nullable().optional(),
  tool_choice: z.union([z.string(), z.looseObject({})]).nullable().optional(),
  stop: z.union([z.string(), z.array(z.string())]).nullable().optional(),
});

export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** One tool call of an assistant message, as OpenAI sends it. */
export type WireToolCall = {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
};

/** A chosen-token logprob entry of `choices[i].logprobs.content`. */
export type WireLogprob = {
  token: string;
  logprob: number;
  bytes?: number[] | null;
  top_logprobs?: { token: string; logprob: number; bytes?: number[] | null }[];
  id?: number;
};

export type WireUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
};

export type WireAssistantMessage = {
  role: 'assistant';
  content: string | null;
  tool_calls?: WireToolCall[];
  reasoning?: string | null;
  reasoning_content?: string | null;
  [extra: string]: unknown;
};

export type WireChatChoice = {
  index: number;
  message: WireAssistantMessage;
  logprobs?: { content: WireLogprob[] | null } | null;
  finish_reason: string | null;
  stop_reason?: string | number | null;
  token_ids?: number[] | null;
};

/** A non-streaming chat completion, with vLLM's id fields where the engine sends them. */
export type WireChatCompletion = {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: WireChatChoice[];
  usage?: WireUsage | null;
  prompt_token_ids?: number[] | null;
  [extra: string]: unknown;
};

export type WireChunkToolCallDelta = {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
};

export type WireChunkChoice = {
  index: number;
  delta: {
    role?: string;
    content?: string | null;
    reasoning?: string | null;
    reasoning_content?: string | null;
    tool_calls?: WireChunkToolCallDelta[];
  };
  logprobs?: { content: WireLogprob[] | null } | null;
  finish_reason?: string | null;
  stop_reason?: string | number | null;
  token_ids?: number[] | null;
};

/** One SSE chunk of a streamed chat completion. */
export type WireChatChunk = {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: WireChunkChoice[];
  usage?: WireUsage | null;
  prompt_token_ids?: number[] | null;
  error?: unknown;
  [extra: string]: unknown;
};
