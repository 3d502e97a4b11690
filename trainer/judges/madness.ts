/**
 * Madness (degeneration) checks over a rollout's recorded calls, and a judge wrapper that applies
 * them. Each check is named and configured on its own, and its effect stays visible: the wrapper
 * reports the reward the inner judge gave (`madness/original_reward`) next to the replaced one.
 *
 * - `nonsense`: a leaked special token (`<|im_start|>`, `<|im_end|>`, `<|endoftext|>`, any
 *   `<|name|>`, `<start_of_turn>`/`<end_of_turn>`, or a `<tool_call>` tag outside a parsed call),
 *   a word loop or a char loop (rules and thresholds in `repetition.ts`).
 * - `wrong_toolcall`: a call the parser flagged malformed (or with an empty tool name), tool
 *   arguments that are not a JSON object, a bare `<tool_call>` tag left in the content.
 *
 * There is deliberately no script whitelist: Chinese, Japanese, Cyrillic or Arabic answers, emoji
 * and math symbols are legitimate output.
 */
import type { Judge, JudgeCall } from './judge-types.ts';
import {
  DEFAULT_CHAR_LOOP,
  DEFAULT_WORD_LOOP,
  findCharLoop,
  findWordLoop,
  type CharLoopOptions,
  type WordLoopOptions,
} from './repetition.ts';
import { countBareToolCallTags, findToolCallProblems } from './tool-call-tags.ts';

export const MADNESS_CHECKS = ['nonsense', 'wrong_toolcall'] as const;
export type MadnessCheck = (typeof MADNESS_CHECKS)[number];

/** Every reason a check can give, as `<check>:<detail>`. */
export const MADNESS_REASONS = {
  nonsense: ['special_token', 'word_loop', 'char_loop'],
  wrong_toolcall: ['malformed', 'arguments_not_object', 'bare_tag'],
} as const satisfies Record<MadnessCheck, readonly string[]>;

export type MadnessVerdict = { isMad: boolean; reasons: string[] };

export type MadnessThresholds = { wordLoop?: WordLoopOptions; charLoop?: CharLoopOptions };

const SPECIAL_TOKEN = /<\|[A-Za-z0-9_.-]+\|>|<(?:start|end)_of_turn>/;

function nonsenseDetails(call: JudgeCall, thresholds: MadnessThresholds): string[] {
  const text = call.completionText;
  const details: string[] = [];
  if (SPECIAL_TOKEN.test(text) || countBareToolCallTags(call) > 0) details.push('special_token');
  if (findWordLoop(text, thresholds.wordLoop ?? DEFAULT_WORD_LOOP) !== null) {
    details.push('word_loop');
  }
  if (findCharLoop(text, thresholds.charLoop ?? DEFAULT_CHAR_LOOP) !== null) {
    details.push('char_loop');
  }
  return details;
}

/** Runs the named checks over every call; `reasons` are distinct `<check>:<detail>` strings. */
export function checkMadness(
  calls: JudgeCall[],
  checks: readonly MadnessCheck[],
  thresholds: MadnessThresholds = {},
): MadnessVerdict {
  const reasons = new Set<string>();
  for (const call of calls) {
    if (checks.includes('nonsense')) {
      for (const detail of nonsenseDetails(call, thresholds)) reasons.add(`nonsense:${detail}`);
    }
    if (checks.includes('wrong_toolcall')) {
      for (const detail of findToolCallProblems(call)) reasons.add(`wrong_toolcall:${detail}`);
    }
  }
  return { isMad: reasons.size > 0, reasons: [...reasons] };
}

export type MadnessOptions = {
  checks: readonly MadnessCheck[];
  /** Replaces the inner judge's reward when any check fires; the rollout also stops counting as a success. */
  madnessReward: number;
  thresholds?: MadnessThresholds;
};

function madnessMetrics(
  checks: readonly MadnessCheck[],
  verdict: MadnessVerdict,
): Record<string, number> {
  const metrics: Record<string, number> = { 'madness/is_mad': verdict.isMad ? 1 : 0 };
  for (const check of checks) {
    const prefix = `${check}:`;
    metrics[`madness/${check}`] = verdict.reasons.some((r) => r.startsWith(prefix)) ? 1 : 0;
    for (const detail of MADNESS_REASONS[check]) {
      metrics[`madness/${check}/${detail}`] = verdict.reasons.includes(prefix + detail) ? 1 : 0;
    }
  }
  return metrics;
}

/** Wraps a judge: a mad rollout gets `madnessReward` and `isSuccess: false`. */
export function withMadness(judge: Judge, options: MadnessOptions): Judge {
  const checks = Object.freeze([...new Set(options.checks)]);
  const thresholds = options.thresholds ?? {};
  return async (task, output, context) => {
    const result = await judge(task, output, context);
    const verdict = checkMadness(context.calls, checks, thresholds);
    const reward = verdict.isMad ? options.madnessReward : result.reward;
    return {
      reward,
      isSuccess: verdict.isMad ? false : result.isSuccess,
      metrics: {
        ...result.metrics,
        ...madnessMetrics(checks, verdict),
        'madness/original_reward': result.reward,
        'madness/original_success': result.isSuccess ? 1 : 0,
        'madness/reward_delta': reward - result.reward,
      },
    };
  };
}
