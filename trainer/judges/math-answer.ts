/**
 * The built-in math judge: extracts the model's final answer (`answer-extract.ts`), compares it
 * with the task's reference answer (`answer-compare.ts`) and pays `correctReward`, `wrongReward`
 * or `noAnswerReward`.
 *
 * A task without a reference answer is a data or field-mapping error, so it throws
 * `RC_ERR_JUDGE_NO_REFERENCE` instead of silently paying the wrong reward.
 *
 * @example
 * const judge = createMathAnswerJudge({ sources: ['boxed', 'hash'] });
 * await judge(
 *   { id: 't1', query: 'How many?', referenceAnswer: 'Half of 36 … #### 18', metadata: {} },
 *   { response: 'So the total is \\boxed{18}.' },
 *   { calls: [], auxiliaryModels: {} },
 * ); // → { reward: 1, isSuccess: true, metrics: { 'judge/has_answer': 1, … } }
 */
import {
  ANSWER_SOURCES,
  extractAnswer,
  extractReferenceAnswer,
  type AnswerSource,
} from './answer-extract.ts';
import { compareAnswers, DEFAULT_RELATIVE_TOLERANCE } from './answer-compare.ts';
import { judgeError } from './judge-errors.ts';
import { gradedText, type Judge, type JudgeResult } from './judge-types.ts';

export type MathAnswerJudgeOptions = {
  correctReward?: number;
  wrongReward?: number;
  /** Paid when no answer could be extracted (empty output, no number at all). */
  noAnswerReward?: number;
  /** Extraction sources in priority order; leave out `last_number` to demand an explicit answer. */
  sources?: readonly AnswerSource[];
  relativeTolerance?: number;
};

type ResolvedOptions = Required<MathAnswerJudgeOptions>;

function resolveOptions(options: MathAnswerJudgeOptions): ResolvedOptions {
  return Object.freeze({
    correctReward: options.correctReward ?? 1,
    wrongReward: options.wrongReward ?? 0,
    noAnswerReward: options.noAnswerReward ?? 0,
    sources: Object.freeze([...(options.sources ?? ANSWER_SOURCES)]),
    relativeTolerance: options.relativeTolerance ?? DEFAULT_RELATIVE_TOLERANCE,
  });
}

function formatMetrics(source: AnswerSource | null): Record<string, number> {
  const metrics: Record<string, number> = { 'judge/has_answer': source === null ? 0 : 1 };
  for (const candidate of ANSWER_SOURCES) {
    metrics[`judge/format_${candidate}`] = candidate === source ? 1 : 0;
  }
  return metrics;
}

/** Grades one response against one reference; pure, so other judges can reuse it. */
export function scoreMathAnswer(
  response: string | undefined,
  reference: string,
  options: MathAnswerJudgeOptions = {},
): JudgeResult {
  const resolved = resolveOptions(options);
  const extracted = response === undefined ? null : extractAnswer(response, resolved.sources);
  if (extracted === null) {
    return {
      reward: resolved.noAnswerReward,
      isSuccess: false,
      metrics: { ...formatMetrics(null), 'judge/correct': 0, 'judge/numeric': 0 },
    };
  }
  const comparison = compareAnswers(
    extracted.text,
    extractReferenceAnswer(reference),
    resolved.relativeTolerance,
  );
  return {
    reward: comparison.isMatch ? resolved.correctReward : resolved.wrongReward,
    isSuccess: comparison.isMatch,
    metrics: {
      ...formatMetrics(extracted.source),
      'judge/correct': comparison.isMatch ? 1 : 0,
      'judge/numeric': comparison.isNumeric ? 1 : 0,
    },
  };
}

export function createMathAnswerJudge(options: MathAnswerJudgeOptions = {}): Judge {
  const resolved = resolveOptions(options);
  return async (task, output) => {
    const reference = task.referenceAnswer;
    if (reference === undefined || reference.trim() === '') {
      throw judgeError(
        'RC_ERR_JUDGE_NO_REFERENCE',
        `task "${task.id}" has no referenceAnswer; map the dataset's answer field to it`,
      );
    }
    return scoreMathAnswer(gradedText(output), reference, resolved);
  };
}
