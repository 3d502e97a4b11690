import type { CallStats } from './judge-calls.ts';
import { isAttempt, type RolloutOutcome } from './rollout-outcome.ts';

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
const std = (values: readonly number[]): number => {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
};

/**
 * The metrics of one step's rollouts (metrics.jsonl and TensorBoard). Rewards, success and call
 * statistics cover the rollouts that train: judged ones and those the policy failed (with their
 * failure reward, as failures). Infrastructure failures count only as failures. Judge metrics
 * cover judged rollouts.
 */
export function rolloutMetrics(outcomes: readonly RolloutOutcome[], prefix = ''): Record<string, number> {
  const ok = outcomes.filter((o) => o.status === 'ok');
  const attempts = outcomes.filter(isAttempt);
  const rewards = attempts.map((o) => o.reward);
  const stats = attempts.flatMap((o) => (o.stats === null ? [] : [o.stats]));
  const turns = stats.reduce((n, s) => n + s.turns, 0);
  const p = (name: string) => `${prefix}${name}`;
  const metrics: Record<string, number> = {
    [p('reward/mean')]: mean(rewards),
    [p('reward/std')]: std(rewards),
    [p('success_rate')]: mean(attempts.map((o) => (o.isSuccess ? 1 : 0))),
    ...failureMetrics(outcomes, p),
    [p('response_length/mean')]: mean(stats.map((s) => s.completionTokens)),
    [p('turns/mean')]: mean(stats.map((s) => s.turns)),
    [p('tool_call_rate')]: turns === 0 ? 0 : stats.reduce((n, s) => n + s.toolCalls, 0) / turns,
    [p('malformed_tool_call_rate')]: turns === 0 ? 0 : stats.reduce((n, s) => n + s.malformedToolCalls, 0) / turns,
    [p('truncated_turn_rate')]: turns === 0 ? 0 : stats.reduce((n, s) => n + s.truncatedTurns, 0) / turns,
    [p('madness_rate')]: mean(ok.map((o) => o.metrics['madness/is_mad'] ?? 0)),
    ...toolDisciplineMetrics(stats, p),
  };
  const sampleStats = attempts.flatMap((o) => (o.sampleStats === null ? [] : [o.sampleStats]));
  if (sampleStats.length > 0) {
    metrics[p('samples/count')] = attempts.reduce((n, o) => n + o.samples.length, 0);
    metrics[p('samples/forks')] = sampleStats.reduce((n, s) => n + s.forks, 0);
    metrics[p('samples/merges')] = sampleStats.reduce((n, s) => n + s.merges, 0);
    metrics[p('samples/drift_events')] = sampleStats.reduce((n, s) => n + s.driftEvents.length, 0);
    metrics[p('samples/truncations')] = sampleStats.reduce((n, s) => n + s.truncations, 0);
  }
  for (const key of new Set(ok.flatMap((o) => Object.keys(o.metrics)))) {
    if (key.startsWith('madness/') && key !== 'madness/is_mad') continue;
    metrics[p(`judge/${key.replace(/^judge\//, '')}`)] = mean(ok.map((o) => o.metrics[key] ?? 0));
  }
  return metrics;
}

/**
 * Failures by who caused them (rollout-failure.ts): the policy (trained with the failure reward)
 * or the infrastructure (left out; what `rollout.maxFailureRate` bounds), and a count per reason.
 */
function failureMetrics(outcomes: readonly RolloutOutcome[], p: (name: string) => string): Record<string, number> {
  const failures = outcomes.flatMap((o) => (o.failure === null ? [] : [o.failure]));
  const share = (count: number) => (outcomes.length === 0 ? 0 : count / outcomes.length);
  const policy = failures.filter((f) => f.kind === 'policy').length;
  const metrics: Record<string, number> = {
    [p('rollouts/count')]: outcomes.length,
    [p('rollouts/failed')]: failures.length,
    [p('rollouts/failure_rate')]: share(failures.length),
    [p('rollouts/policy_failure_rate')]: share(policy),
    [p('rollouts/infra_failure_rate')]: share(failures.length - policy),
  };
  for (const failure of failures) metrics[p(`rollouts/failures/${failure.reason}`)] = (metrics[p(`rollouts/failures/${failure.reason}`)] ?? 0) + 1;
  return metrics;
}

/**
 * The math agent's tool discipline (examples/math-agent/): the share of rollouts that use a
 * tool, the share of code calls that print, the share of rollouts that state a final answer in a
 * turn that calls a tool (before its result), and the share that do all three right.
 */
function toolDisciplineMetrics(stats: readonly CallStats[], p: (name: string) => string): Record<string, number> {
  const codeCalls = stats.reduce((n, s) => n + s.codeCalls, 0);
  const usedTool = (s: CallStats) => s.toolCalls > 0;
  return {
    [p('tool/used_rate')]: mean(stats.map((s) => (usedTool(s) ? 1 : 0))),
    [p('tool/print_rate')]: codeCalls === 0 ? 0 : stats.reduce((n, s) => n + s.printingCodeCalls, 0) / codeCalls,
    [p('tool/answered_before_result_rate')]: mean(stats.map((s) => (s.answeredBeforeToolResult ? 1 : 0))),
    [p('tool/disciplined_rate')]: mean(stats.map((s) => (usedTool(s) && s.printingCodeCalls === s.codeCalls && !s.answeredBeforeToolResult ? 1 : 0))),
  };
}

/**
 * Validation: pass@1 is the mean success over all attempts; pass@k the share of tasks with at
 * least one success among their k attempts (failed attempts count as failures).
 */
export function passAtK(outcomes: readonly RolloutOutcome[], k: number): Record<string, number> {
  const byTask = new Map<string, RolloutOutcome[]>();
  for (const outcome of outcomes) byTask.set(outcome.task.id, [...(byTask.get(outcome.task.id) ?? []), outcome]);
  const tasks = [...byTask.values()];
  return {
    'val/pass@1': mean(outcomes.map((o) => (o.status === 'ok' && o.isSuccess ? 1 : 0))),
    [`val/pass@${k}`]: mean(tasks.map((attempts) => (attempts.some((o) => o.status === 'ok' && o.isSuccess) ? 1 : 0))),
    'val/reward/mean': mean(outcomes.filter(isAttempt).map((o) => o.reward)),
    'val/tasks': tasks.length,
  };
}
