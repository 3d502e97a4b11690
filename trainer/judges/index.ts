/** The judges' public surface: built-in judges, the madness wrapper and custom-module loading. */
export type {
  AuxiliaryModel,
  Judge,
  JudgeCall,
  JudgeContext,
  JudgeResult,
  JudgeTask,
  JudgeToolCall,
  WorkflowOutput,
} from './judge-types.ts';
export { gradedText } from './judge-types.ts';
export { JUDGE_ERROR_CODES, isJudgeError, type JudgeError, type JudgeErrorCode } from './judge-errors.ts';
export {
  ANSWER_SOURCES,
  extractAnswer,
  extractReferenceAnswer,
  type AnswerSource,
  type ExtractedAnswer,
} from './answer-extract.ts';
export { normalizeAnswerText } from './latex-normalize.ts';
export { parseNumericAnswer } from './number-normalize.ts';
export { compareAnswers, DEFAULT_RELATIVE_TOLERANCE, type AnswerComparison } from './answer-compare.ts';
export { createMathAnswerJudge, scoreMathAnswer, type MathAnswerJudgeOptions } from './math-answer.ts';
export {
  checkMadness,
  MADNESS_CHECKS,
  MADNESS_REASONS,
  withMadness,
  type MadnessCheck,
  type MadnessOptions,
  type MadnessThresholds,
  type MadnessVerdict,
} from './madness.ts';
export { createLlmJudge, type LlmJudgeOptions } from './llm-judge.ts';
export { createHttpJudge, type HttpJudgeOptions } from './http-judge.ts';
export { loadJudge, parseJudgeSpec, validateJudgeResult } from './load-judge.ts';
