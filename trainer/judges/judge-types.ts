/**
 * The judge contract: a judge turns a finished rollout — its task, the workflow's
 * output and the recorded calls — into a scalar reward, a success flag and metrics.
 *
 * @example
 * const judge: Judge = async (task, output) => ({
 *   reward: output.finalAnswer === task.referenceAnswer ? 1 : 0,
 *   isSuccess: output.finalAnswer === task.referenceAnswer,
 *   metrics: {},
 * });
 */

/** One task as the judge sees it; `referenceAnswer` may be a full GSM8K solution ("… #### 72"). */
export type JudgeTask = {
  id: string;
  query: string;
  referenceAnswer?: string;
  metadata: Record<string, unknown>;
};

/** What a workflow returned for one rollout. Judges read `finalAnswer ?? response`. */
export type WorkflowOutput = {
  response?: string;
  finalAnswer?: string;
  reward?: number;
  metadata?: Record<string, unknown>;
  metrics?: Record<string, number>;
};

/** A parsed tool call of one recorded call; `arguments` is the raw JSON text the model produced. */
export type JudgeToolCall = { name: string; arguments: string };

/** One recorded chat call of the rollout, in call order (`seq`). */
export type JudgeCall = {
  seq: number;
  completionText: string;
  toolCalls: JudgeToolCall[];
  flags: { malformedToolCall?: boolean };
  finishReason: string | null;
};

/** An OpenAI-compatible model the judge may call (an LLM judge, a reward model). */
export type AuxiliaryModel = { baseUrl: string; apiKey: string; model: string };

export type JudgeContext = {
  calls: JudgeCall[];
  auxiliaryModels: Record<string, AuxiliaryModel>;
};

/** `metrics` values are finite numbers; names are namespaced (`judge/…`, `madness/…`). */
export type JudgeResult = {
  reward: number;
  isSuccess: boolean;
  metrics: Record<string, number>;
};

export type Judge = (
  task: JudgeTask,
  output: WorkflowOutput,
  context: JudgeContext,
) => Promise<JudgeResult>;

/** The text a judge grades: the workflow's explicit final answer, else its whole response. */
export function gradedText(output: WorkflowOutput): string | undefined {
  return output.finalAnswer ?? output.response;
}
