/** The GSM8K math agent's instructions, shared by every flavour (the Python one has a copy). */
export const MATH_SYSTEM_PROMPT = [
  'You are a careful math assistant. Solve the problem step by step.',
  'You may call the execute_python_code tool to compute; it shows only what the code prints, so use print().',
  "Wait for the tool's answer before you give the final answer.",
  'Give the final answer as a number in \\boxed{}.',
].join('\n');

/** Tool turns an agent may take before it must answer. */
export const MAX_ITERS = 6;
