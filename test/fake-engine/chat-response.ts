/**
 * The non-streaming `chat.completion` body with vLLM's 2026 field set and order, nulls included
 * (`chat_completion_full_generator` in `vllm/entrypoints/openai/chat_completion/serving.py`):
 * top-level `prompt_token_ids` only with `return_token_ids`, per-choice `token_ids`,
 * `message.tool_calls` always a list, `reasoning` (no `reasoning_content`).
 */
import type { PreparedChat } from './chat-request.ts';
import { type ChatLogprobEntry, chatLogprobEntries } from './logprobs-format.ts';
import { splitReasoning } from './reasoning.ts';
import type { GeneratedChoice } from './generator.ts';
import type { FakeTokenizer } from './tokenizer.ts';
import { parseHermes } from './tool-parser.ts';

export interface ChatMessageBody {
  role: 'assistant';
  content: string | null;
  refusal: null;
  annotations: null;
  audio: null;
  function_call: null;
  tool_calls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  reasoning: string | null;
}

export interface UsageBody {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: null;
}

export function usageOf(promptTokens: number, choices: readonly GeneratedChoice[], withDetails: boolean): UsageBody {
  const completion = choices.reduce((sum, choice) => sum + choice.tokenIds.length, 0);
  const usage: UsageBody = { prompt_tokens: promptTokens, total_tokens: promptTokens + completion, completion_tokens: completion };
  if (withDetails) usage.prompt_tokens_details = null;
  return usage;
}

/** The assistant message and finish reason vLLM derives from one finished choice. */
export function chatMessageOf(prepared: PreparedChat, choice: GeneratedChoice): { message: ChatMessageBody; finishReason: string } {
  const split = splitReasoning(choice.tokenIds, choice.textDeltas);
  let content: string | null = split.isSplit && split.content === '' ? null : split.content;
  let toolCalls: ChatMessageBody['tool_calls'] = [];
  let finishReason: string = choice.finishReason;
  if (prepared.prompt.toolsActive) {
    const parsed = parseHermes(split.content);
    if (parsed.toolsCalled) {
      content = parsed.content;
      toolCalls = parsed.toolCalls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      }));
      if (!prepared.prompt.namedToolChoice) finishReason = 'tool_calls';
    }
  }
  const message: ChatMessageBody = {
    role: 'assistant',
    content,
    refusal: null,
    annotations: null,
    audio: null,
    function_call: null,
    tool_calls: toolCalls,
    reasoning: split.reasoning,
  };
  return { message, finishReason };
}

export function chatLogprobsOf(tokenizer: FakeTokenizer, prepared: PreparedChat, choice: GeneratedChoice): { content: ChatLogprobEntry[] } | null {
  if (prepared.topLogprobs === null) return null;
  const run = { ids: choice.tokenIds, logprobs: choice.logprobs, alternatives: choice.alternatives };
  return { content: chatLogprobEntries(tokenizer, run, prepared.topLogprobs, prepared.asTokenIds) };
}

export function chatCompletionBody(tokenizer: FakeTokenizer, model: string, prepared: PreparedChat): object {
  return {
    id: prepared.id,
    object: 'chat.completion',
    created: prepared.created,
    model,
    choices: prepared.choices.map((choice) => {
      const { message, finishReason } = chatMessageOf(prepared, choice);
      return {
        index: choice.index,
        message,
        logprobs: chatLogprobsOf(tokenizer, prepared, choice),
        finish_reason: finishReason,
        stop_reason: choice.stopReason,
        token_ids: prepared.returnTokenIds ? choice.tokenIds : null,
      };
    }),
    service_tier: null,
    system_fingerprint: null,
    usage: usageOf(prepared.prompt.ids.length, prepared.choices, true),
    prompt_logprobs: null,
    prompt_token_ids: prepared.returnTokenIds ? prepared.prompt.ids : null,
    kv_transfer_params: null,
  };
}
