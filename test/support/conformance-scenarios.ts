import { CALC_TOOL, FINAL_REPLY, systemPrompt, TOOL_REPLY } from './conversation.ts';

/**
 * What the scripted model does in each conformance case, and what a client must then have read.
 * Every reply is scripted (`[[script:NAME]]` in the system prompt) except `pair`, whose two
 * choices are the fake engine's own seeded sentences: there the engine's answer for the recorded
 * call is the expectation.
 */

/** One assistant output as a client saw it: a turn of a loop, or one choice of `n > 1`. */
export type Reply = {
  /** The message text; `''` when the client got none (null content). */
  text: string;
  /** Tool calls with their arguments parsed, as a client passes them to the tool. */
  toolCalls: { name: string; arguments: unknown }[];
  /** In the client's own vocabulary (e.g. the Vercel AI SDK says `tool-calls`). */
  finishReason: string | null;
};

export type Scenario = {
  /** The script name, or null for unscripted text. */
  script: string | null;
  replies: readonly string[];
  /** Model calls the scenario makes; the rollout must record exactly these. */
  calls: number;
  /** Null: each reply equals the engine's own answer for the recorded call. */
  expected: readonly Reply[] | null;
  /** The question the client asks. */
  user: string;
};

const CALC_6X7 = { name: 'execute_python_code', arguments: { code: 'print(6*7)' } };
const DOUBLE_REPLY = '<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(42 * 2)"}}\n</tool_call>';
const CALC_DOUBLE = { name: 'execute_python_code', arguments: { code: 'print(42 * 2)' } };
const THREE_TURN_FINAL = 'The tool printed 42, then 84: twice 6*7 is \\boxed{84}.';
const ANSWER = 'Six times seven is 42, as the multiplication table says.';
const LEAD_IN = 'Let me compute that. ';

const text = (content: string): Reply => ({ text: content, toolCalls: [], finishReason: 'stop' });

export const SCENARIOS = {
  /** A plain text answer. */
  answer: { script: 'answer', replies: [ANSWER], calls: 1, expected: [text(ANSWER)], user: 'What is 6*7?' },
  /** A one-token answer: the whole text rides on one chunk. */
  oneToken: { script: 'one-token', replies: ['42'], calls: 1, expected: [text('42')], user: 'What is 6*7? Only the number.' },
  /** Text, then a tool call in the same turn. */
  textThenTool: {
    script: 'text-then-tool',
    replies: [`${LEAD_IN}${TOOL_REPLY}`],
    calls: 1,
    expected: [{ text: LEAD_IN, toolCalls: [CALC_6X7], finishReason: 'tool_calls' }],
    user: 'What is 6*7? Use the tool.',
  },
  /** A tool call, then the answer: the loop every tool-running helper makes. */
  toolLoop: {
    script: 'tool-loop',
    replies: [TOOL_REPLY, FINAL_REPLY],
    calls: 2,
    expected: [{ text: '', toolCalls: [CALC_6X7], finishReason: 'tool_calls' }, text(FINAL_REPLY)],
    user: 'What is 6*7? Use the tool.',
  },
  /** Two tool calls, then the answer. */
  threeTurns: {
    script: 'three-turns',
    replies: [TOOL_REPLY, DOUBLE_REPLY, THREE_TURN_FINAL],
    calls: 3,
    expected: [
      { text: '', toolCalls: [CALC_6X7], finishReason: 'tool_calls' },
      { text: '', toolCalls: [CALC_DOUBLE], finishReason: 'tool_calls' },
      text(THREE_TURN_FINAL),
    ],
    user: 'What is twice 6*7? Use the tool for each step.',
  },
  /** `n: 2` with unscripted, seeded text: two different choices. */
  pair: { script: null, replies: [], calls: 1, expected: null, user: 'Tell me about numbers.' },
} as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

/** The system prompt that makes the fake engine follow the scenario's script. */
export function systemFor(scenario: Scenario): string {
  return scenario.script === null ? 'You are a helpful assistant.' : systemPrompt(scenario.script);
}

/** The opening messages in OpenAI's chat format. */
export function chatMessagesFor(scenario: Scenario): { role: 'system' | 'user'; content: string }[] {
  return [
    { role: 'system', content: systemFor(scenario) },
    { role: 'user', content: scenario.user },
  ];
}

/** The non-default sampling users set: `temperature: 0.7`, `top_p: 0.9`. */
export const USER_SAMPLING = { temperature: 0.7, top_p: 0.9 } as const;

export { CALC_TOOL };

/** What the agent's Python tool prints for the code the scripts write. */
export function runPython(code: string): string {
  if (code === 'print(6*7)') return '42\n';
  if (code === 'print(42 * 2)') return '84\n';
  throw new Error(`the conformance tool got unexpected code: ${code}`);
}
