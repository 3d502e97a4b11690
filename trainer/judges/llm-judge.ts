/**
 * LLM-as-judge: an auxiliary OpenAI-compatible model reads the question, the reference answer and
 * the response, and replies with `<verdict>correct</verdict>` or `<verdict>incorrect</verdict>`.
 *
 * Temperature is 0, so identical prompts are graded once: verdicts are cached per
 * (endpoint, model, prompt) — in-flight requests included, so a GRPO group with duplicate
 * responses makes one request — up to `cacheSize` entries, oldest evicted first. A reply
 * without a verdict tag pays `wrongReward` and is counted in `judge/llm_unparsed`; transport
 * failures follow the retry policy of `aux-chat-client.ts` and then throw.
 *
 * @example
 * const judge = createLlmJudge({ auxiliaryModel: 'grader', maxRetries: 2 });
 * // context.auxiliaryModels.grader = { baseUrl: 'http://h:8000/v1', apiKey: 'k', model: 'qwen' }
 */
import { requestChatCompletion, type ChatRequestOptions } from './aux-chat-client.ts';
import { judgeError } from './judge-errors.ts';
import { gradedText, type AuxiliaryModel, type Judge, type JudgeContext } from './judge-types.ts';
import { buildJudgeMessages, parseVerdict, type Verdict } from './llm-judge-prompt.ts';

export type LlmJudgeOptions = {
  /** A name in `context.auxiliaryModels` (default `judge`) or the model itself. */
  auxiliaryModel?: string | AuxiliaryModel;
  correctReward?: number;
  wrongReward?: number;
  noAnswerReward?: number;
  maxRetries?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
  maxTokens?: number;
  maxResponseChars?: number;
  cacheSize?: number;
};

function resolveModel(
  choice: string | AuxiliaryModel,
  context: JudgeContext,
): AuxiliaryModel {
  if (typeof choice !== 'string') return choice;
  const model = context.auxiliaryModels[choice];
  if (model === undefined) {
    const known = Object.keys(context.auxiliaryModels).join(', ') || 'none';
    throw judgeError(
      'RC_ERR_JUDGE_LLM_NO_MODEL',
      `LLM judge needs auxiliary model "${choice}"; configured: ${known}`,
    );
  }
  return model;
}

function verdictMetrics(verdict: Verdict | null, isCacheHit: boolean): Record<string, number> {
  return {
    'judge/has_answer': 1,
    'judge/llm_correct': verdict === 'correct' ? 1 : 0,
    'judge/llm_unparsed': verdict === null ? 1 : 0,
    'judge/llm_cache_hit': isCacheHit ? 1 : 0,
  };
}

export function createLlmJudge(options: LlmJudgeOptions = {}): Judge {
  const choice = options.auxiliaryModel ?? 'judge';
  const correctReward = options.correctReward ?? 1;
  const wrongReward = options.wrongReward ?? 0;
  const noAnswerReward = options.noAnswerReward ?? 0;
  const maxResponseChars = options.maxResponseChars ?? 16_000;
  const cacheSize = options.cacheSize ?? 1024;
  const request: ChatRequestOptions = Object.freeze({
    maxTokens: options.maxTokens ?? 512,
    maxRetries: options.maxRetries ?? 3,
    retryDelayMs: options.retryDelayMs ?? 500,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  const cache = new Map<string, Promise<Verdict | null>>();

  return async (task, output, context) => {
    const response = gradedText(output);
    if (response === undefined || response.trim() === '') {
      return {
        reward: noAnswerReward,
        isSuccess: false,
        metrics: { ...verdictMetrics(null, false), 'judge/has_answer': 0, 'judge/llm_unparsed': 0 },
      };
    }
    const model = resolveModel(choice, context);
    const messages = buildJudgeMessages({
      question: task.query,
      referenceAnswer: task.referenceAnswer,
      response,
      maxResponseChars,
    });
    const key = JSON.stringify([model.baseUrl, model.model, messages]);
    let pending = cache.get(key);
    const isCacheHit = pending !== undefined;
    if (pending === undefined) {
      pending = requestChatCompletion(model, messages, request).then(parseVerdict);
      if (cacheSize > 0) {
        const entry = pending;
        cache.set(key, entry);
        // a failure is not a verdict: forget it so the next rollout asks again
        entry.catch(() => cache.get(key) === entry && cache.delete(key));
        if (cache.size > cacheSize) cache.delete(cache.keys().next().value ?? key);
      }
    }
    const verdict = await pending;
    return {
      reward: verdict === 'correct' ? correctReward : wrongReward,
      isSuccess: verdict === 'correct',
      metrics: verdictMetrics(verdict, isCacheHit),
    };
  };
}
