import { Toolkit } from '../../adapters/agentscope/toolkit.ts';
import { EXECUTE_PYTHON_CODE_TOOL, executePythonCode, formatPythonRun } from '../../adapters/tools/execute-python-code.ts';

/** The math agent's toolkit: `execute_python_code`, registered AgentScope-style. */
export function mathToolkit(): Toolkit {
  const { name, description, parameters } = EXECUTE_PYTHON_CODE_TOOL.function;
  return new Toolkit().register(name, description, parameters, async (args, signal) => {
    if (typeof args.code !== 'string') throw new Error('"code" must be a string');
    return formatPythonRun(await executePythonCode(args.code, signal === undefined ? {} : { signal }));
  });
}
