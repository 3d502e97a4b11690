"""The GSM8K math agent, flavour (e): plain Python, standard library only.

One function, two ways to run it:
- served (``python.yaml``: ``workflow: {type: python, module: ./python_agent.py:workflow}``): one
  Python process runs many rollouts at once, each call of ``workflow`` on a thread of its own;
- as a command (``python-command.yaml``): one process per rollout, ``run_as_command`` below.

The tool loop is the TypeScript flavours': the model may call ``execute_python_code``, which runs
its code in a subprocess (``adapters/tools/execute-python-code.ts`` is the TypeScript twin) and
shows it the return code, stdout and stderr.
"""

import json
import os
import subprocess
import sys
import tempfile

import rollcall
from rollcall import RolloutModel, Task, WorkflowOutput

# The TypeScript flavours share examples/math-agent/prompt.ts; this is its copy.
SYSTEM_PROMPT = "\n".join([
    "You are a careful math assistant. Solve the problem step by step.",
    "You may call the execute_python_code tool to compute; it shows only what the code prints, so use print().",
    "Wait for the tool's answer before you give the final answer.",
    "Give the final answer as a number in \\boxed{}.",
])
MAX_ITERS = 6
TOOL = {
    "type": "function",
    "function": {
        "name": "execute_python_code",
        "description": "Run Python 3 code and return its return code, stdout and stderr. Only what the code prints is shown: use print().",
        "parameters": {"type": "object", "properties": {"code": {"type": "string", "description": "The Python code to run"}}, "required": ["code"]},
    },
}


def _capped(data: bytes, cap: int) -> str:
    text = data[:cap].decode("utf-8", "replace")
    return text if len(data) <= cap else f"{text}\n[… {len(data) - cap} more bytes cut]"


def execute_python_code(code: str, timeout_s: float = 10.0, cap: int = 8192) -> str:
    """Runs model-written code in a fresh scratch folder with a time limit and an output cap; a
    crash is a non-zero return code with its traceback, which is what the model should see."""
    with tempfile.TemporaryDirectory(prefix="rollcall-python-") as scratch:
        with open(os.path.join(scratch, "main.py"), "w", encoding="utf-8") as file:
            file.write(code)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1", "HOME": scratch}
        try:
            done = subprocess.run([sys.executable, "main.py"], cwd=scratch, env=env, capture_output=True, timeout=timeout_s)
            returncode, out, err = str(done.returncode), _capped(done.stdout, cap), _capped(done.stderr, cap)
        except subprocess.TimeoutExpired as expired:
            returncode, out = "none", _capped(expired.stdout or b"", cap)
            err = _capped(expired.stderr or b"", cap) + f"\n[killed after {timeout_s * 1000:.0f} ms]"
    hint = "\n(nothing was printed: use print() to see values)" if returncode == "0" and out == "" else ""
    return f"returncode: {returncode}\nstdout:\n{out}\nstderr:\n{err}{hint}"


def run_tool(call: dict) -> str:
    """One tool call; bad arguments become an error message the model can read."""
    name = call["function"]["name"]
    if name != "execute_python_code":
        return f'error: unknown tool "{name}"'
    try:
        code = json.loads(call["function"]["arguments"]).get("code")
    except (ValueError, AttributeError):
        return 'error: the arguments are not valid JSON; send {"code": "..."}'
    if not isinstance(code, str):
        return 'error: "code" must be a string'
    return execute_python_code(code)


def workflow(task: Task, model: RolloutModel, auxiliary_models: dict) -> WorkflowOutput:
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": task.query}]
    last = ""
    for _ in range(MAX_ITERS):
        message = model.chat(messages, tools=[TOOL])
        messages.append({key: value for key, value in message.items() if key in ("role", "content", "tool_calls")})
        last = message.get("content") or ""
        calls = message.get("tool_calls") or []
        if not calls:
            break
        for call in calls:
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": run_tool(call)})
    return WorkflowOutput(response=last, metrics={"agent/turns": sum(1 for m in messages if m["role"] == "assistant")})


if __name__ == "__main__":
    rollcall.run_as_command(workflow)
