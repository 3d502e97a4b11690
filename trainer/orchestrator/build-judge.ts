import { detailError } from '../../src/errors/rollcall-error.ts';
import { SERVICE_ROUTES } from '../../src/wire/function-service.ts';
import type { JudgeConfig } from '../config/judge-config.ts';
import type { PythonHost } from '../function-service/python-host.ts';
import { createHttpJudge, createLlmJudge, createMathAnswerJudge, loadJudge, withMadness, type Judge } from '../judges/index.ts';

/** The reward the workflow itself returned (judge type `workflow`); success when it is positive. */
const workflowRewardJudge: Judge = async (_task, output) => {
  if (output.reward === undefined) throw new Error('judge type "workflow" needs the workflow to return a reward');
  const isSuccess = typeof output.metadata?.isSuccess === 'boolean' ? output.metadata.isSuccess : output.reward > 0;
  return { reward: output.reward, isSuccess, metrics: {} };
};

/** A judge service named by origin and path only: a query string may hold a credential. */
const judgeServiceLabel = (url: string): string => {
  const parsed = new URL(url);
  return `judge service ${parsed.origin}${parsed.pathname}`;
};

/** Builds the configured judge, wrapped in the madness checks when any are on. */
export async function buildJudge(config: JudgeConfig, baseDir: string, services: { python?: PythonHost } = {}): Promise<Judge> {
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
    case 'http':
      judge = createHttpJudge({ url: config.url as string, timeoutMs: config.timeoutMs, label: judgeServiceLabel(config.url as string) });
      break;
    case 'python': {
      const host = services.python;
      if (host === undefined) throw detailError('RC_ERR_PYTHON_SERVICE_START', 'judge type "python" needs the run\'s Python service (startPythonHost)');
      judge = createHttpJudge({ url: `${host.url}${SERVICE_ROUTES.judge}`, timeoutMs: config.timeoutMs, label: `python judge ${config.module}`, goneReason: (waitMs) => host.goneReason(waitMs) });
      break;
    }
  }
  return config.madness.checks.length === 0 ? judge : withMadness(judge, { checks: config.madness.checks, madnessReward: config.madness.reward });
}
