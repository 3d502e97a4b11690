/** A scripted tool-using conversation shared by the client tests. */
export const CALC_TOOL = {
  type: 'function',
  function: {
    name: 'execute_python_code',
    description: 'Run Python code and return its output',
    parameters: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
  },
} as const;

export const TOOL_REPLY = '<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(6*7)"}}\n</tool_call>';
export const FINAL_REPLY = 'The tool printed 42, so the answer is \\boxed{42}.';

export function systemPrompt(script: string): string {
  return `You are a careful math agent. [[script:${script}]]`;
}
