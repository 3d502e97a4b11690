import { extractAnswer, type AnswerSource } from '../judges/answer-extract.ts';
import type { RecordedMessage } from '../proxy-client/admin-views.ts';

/**
 * Tool discipline of one rollout, read from its recorded assistant messages: does its code print
 * what it computes, and does it wait for the tool's answer before stating a final answer? A code
 * call is any tool call whose JSON arguments carry a string `code` (the math agent's
 * `execute_python_code`, and most code-interpreter tools). An answer counts only when it is
 * explicit (`\boxed{}`, `####`, "the answer is"), so a number in passing is not one.
 */
export type ToolDiscipline = {
  /** Tool calls whose arguments carry `code`. */
  codeCalls: number;
  /** Of those, the ones whose code calls `print(`. */
  printingCodeCalls: number;
  /** A turn that calls a tool also states a final answer — before the tool could answer. */
  answeredBeforeToolResult: boolean;
};

const EXPLICIT_ANSWER: readonly AnswerSource[] = ['boxed', 'hash', 'answer_phrase'];
const PRINT_CALL = /\bprint\s*\(/u;

function codeOf(argumentsJson: string): string | null {
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const code = (parsed as Record<string, unknown>).code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null; // malformed arguments are counted by the parser's flags, not here
  }
}

export function toolDiscipline(messages: readonly RecordedMessage[]): ToolDiscipline {
  let codeCalls = 0;
  let printingCodeCalls = 0;
  let answeredBeforeToolResult = false;
  for (const message of messages) {
    const toolCalls = message.tool_calls ?? [];
    if (toolCalls.length === 0) continue;
    for (const call of toolCalls) {
      const code = codeOf(call.function.arguments);
      if (code === null) continue;
      codeCalls += 1;
      if (PRINT_CALL.test(code)) printingCodeCalls += 1;
    }
    if (message.content !== null && extractAnswer(message.content, EXPLICIT_ANSWER) !== null) answeredBeforeToolResult = true;
  }
  return { codeCalls, printingCodeCalls, answeredBeforeToolResult };
}
