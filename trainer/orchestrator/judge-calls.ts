import type { JudgeCall } from '../judges/judge-types.ts';
import type { RecordedCall } from '../proxy-client/admin-views.ts';
import { toolDiscipline } from './tool-discipline.ts';

/**
 * A rollout's recorded calls as the judge sees them: what the model said (reasoning and content),
 * its tool calls, and the parser's flags. Failed and aborted calls carry nothing the model said.
 */
export function toJudgeCalls(calls: readonly RecordedCall[]): JudgeCall[] {
  return calls
    .filter((call) => call.status === 'completed')
    .map((call) => {
      const message = call.response?.choices?.[0]?.message;
      const text = [message?.reasoning ?? '', message?.content ?? ''].filter((part) => part !== '').join('\n');
      return {
        seq: call.seq,
        completionText: text,
        toolCalls: (message?.tool_calls ?? []).map((t) => ({ name: t.function.name, arguments: t.function.arguments })),
        flags: call.flags.malformedToolCall === undefined ? {} : { malformedToolCall: true },
        finishReason: call.finishReason,
      };
    });
}

/** Per-rollout statistics of its calls, for step metrics. */
export function callStats(calls: readonly RecordedCall[]) {
  const completed = calls.filter((c) => c.status === 'completed');
  const withTools = completed.filter((c) => (c.response?.choices?.[0]?.message?.tool_calls?.length ?? 0) > 0);
  return {
    turns: completed.length,
    toolCalls: withTools.length,
    completionTokens: completed.reduce((n, c) => n + c.completionIds.length, 0),
    malformedToolCalls: completed.filter((c) => c.flags.malformedToolCall !== undefined).length,
    truncatedTurns: completed.filter((c) => c.finishReason === 'length').length,
    ...toolDiscipline(completed.flatMap((c) => { const m = c.response?.choices?.[0]?.message; return m === undefined ? [] : [m]; })),
  };
}

export type CallStats = ReturnType<typeof callStats>;
