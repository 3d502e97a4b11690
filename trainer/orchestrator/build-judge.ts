import type { JudgeConfig } from '../config/judge-config.ts';
import { createLlmJudge, createMathAnswerJudge, loadJudge, withMadness, type Judge } from '../judges/index.ts';

/** The reward the workflow itself returned (judge type `workflow`); success when it is positive. */
const workflowRewardJudge: Judge = async (_task, output) => {
  if (output.reward === undefined) throw new Error('judge type "workflow" needs the workflow to return a reward');
  const isSuccess = typeof output.metadata?.isSuccess === 'boolean' ? output.metadata.isSuccess : output.reward > 0;
  return { reward: output.reward, isSuccess, metrics: {} };
};

/** Builds the configured judge, wrapped in the madness checks when any are on. */
export async function buildJudge(config: JudgeConfig, baseDir: string): Promise<Judge> {
  const rewards = { correctReward: config.rewards.correct, wrongReward: config.rewards.wrong, noAnswerReward: config.rewards.noAnswer };
  let judge: Judge;
  switch (config.type) {
    case 'math':
      judge = createMathAnswerJudge(rewards);
      break;
    case 'llm':
      judge = createLlmJudge({ ...rewards, auxiliaryModel: config.llm.auxiliaryModel, maxRetries: config.llm.maxRetries });
      break;
    case 'module':
      if (config.module === undefined) throw new Error('judge.module is required when judge.type is "module"');
      judge = await loadJudge(config.module, baseDir);
      break;
    case 'workflow':
      judge = workflowRewardJudge;
      break;
  }
  return config.madness.checks.length === 0 ? judge : withMadness(judge, { checks: config.madness.checks, madnessReward: config.madness.reward });
}
