/**
 * The workflow contract: a workflow is the user's agent. It gets one task and the
 * credentials of one rollout on the recording proxy, talks to `baseUrl` with `apiKey` like to any
 * OpenAI-compatible API, and returns what it answered (and, if it can grade itself, a reward).
 *
 * A runner executes one configured workflow (an in-process module, a command, an HTTP endpoint)
 * and reports every outcome as a `WorkflowResult`: a workflow that crashes, hangs or prints
 * garbage is an expected event in RL training, so it is data for the trainer to count and log,
 * never an exception.
 *
 * @example
 * // workflows/math-agent.ts, configured as `{ type: module, module: "workflows/math-agent.ts#run" }`
 * import OpenAI from 'openai';
 * export const run: Workflow = async ({ task, baseUrl, apiKey, model, signal }) => {
 *   const client = new OpenAI({ baseURL: baseUrl, apiKey });
 *   const reply = await client.chat.completions.create(
 *     { model, messages: [{ role: 'user', content: task.query }] },
 *     { signal },
 *   );
 *   return { response: reply.choices[0]?.message.content ?? '' };
 * };
 */
import type { AuxiliaryModel, JudgeTask, WorkflowOutput } from '../judges/judge-types.ts';

export type { AuxiliaryModel, WorkflowOutput } from '../judges/judge-types.ts';
export { WorkflowConfigSchema, type WorkflowConfig } from './workflow-config.ts';
export { WorkflowOutputSchema } from './workflow-output.ts';

/** One task as the workflow sees it: the judge's view plus its position in the taskset. */
export type WorkflowTask = JudgeTask & { index: number };

/** What a workflow is called with for one rollout. */
export type WorkflowInput = {
  task: WorkflowTask;
  /** The proxy's OpenAI-compatible base URL, ending in `/v1`. */
  baseUrl: string;
  /** The rollout's own key; every call made with it is recorded into this rollout. */
  apiKey: string;
  /** The model name to send; the proxy serves the policy under it. */
  model: string;
  rolloutId: string;
  /** 0-based attempt of this task in its group (GRPO group member). */
  attempt: number;
  /** The rollout's metadata as created by the trainer. */
  metadata: Record<string, unknown>;
  /** Models the workflow may call besides the policy (a user simulator, a tool model). */
  auxiliaryModels: Record<string, AuxiliaryModel>;
  /** Aborted when the run times out or is cancelled; pass it on to every request. */
  signal: AbortSignal;
};

export type Workflow = (input: WorkflowInput) => Promise<WorkflowOutput>;

/** What a runner is given; without `signal` the run can only end by finishing or timing out. */
export type WorkflowRunInput = Omit<WorkflowInput, 'signal'> & { signal?: AbortSignal };

export const WORKFLOW_FAILURE_REASONS = ['crashed', 'timeout', 'bad_output', 'cancelled'] as const;
export type WorkflowFailureReason = (typeof WORKFLOW_FAILURE_REASONS)[number];

/**
 * The outcome of one run. `stderr` is the tail of what a command wrote to stderr (or a module's
 * error stack), kept so the trainer can write it to the run log; absent when there was none.
 */
export type WorkflowResult =
  | { ok: true; output: WorkflowOutput; durationMs: number; stderr?: string }
  | {
      ok: false;
      reason: WorkflowFailureReason;
      message: string;
      durationMs: number;
      stderr?: string;
    };

/** The answer of a start-up check; `message` says what to fix in the config. */
export type WorkflowCheck = { ok: true } | { ok: false; message: string };

export interface WorkflowRunner {
  /**
   * Checks what can be checked before the first rollout (the module imports and exports a
   * function, the program exists), so a typo fails the trainer at start, not at every rollout.
   */
  check(): Promise<WorkflowCheck>;
  /** Runs the workflow once. Resolves for every workflow outcome; never rejects for them. */
  run(input: WorkflowRunInput): Promise<WorkflowResult>;
}
