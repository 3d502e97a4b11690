"""The GSM8K math agent, flavour (e): plain Python, standard library only, run as a command.

rollcall runs it once per rollout with the rollout's endpoint in its environment; it prints one
JSON line with its answer. The tool loop is the same as the TypeScript flavours'.
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "adapters", "python"))

from rollcall_client import chat, get_task, print_output  # noqa: E402

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


def execute_python_code(code, timeout=10, cap=8192):
    with tempfile.TemporaryDirectory(prefix="rollcall-python-") as scratch:
        path = os.path.join(scratch, "main.py")
        with open(path, "w", encoding="utf-8") as file:
            file.write(code)
        try:
            done = subprocess.run([sys.executable, path], cwd=scratch, capture_output=True, timeout=timeout, text=True)
            code_, out, err = done.returncode, done.stdout[:cap], done.stderr[:cap]
        except subprocess.TimeoutExpired:
            code_, out, err = None, "", f"[killed after {timeout} s]"
    hint = "\n(nothing was printed: use print() to see values)" if code_ == 0 and out == "" else ""
    return f"returncode: {code_ if code_ is not None else 'none'}\nstdout:\n{out}\nstderr:\n{err}{hint}"


def run_tool(call):
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


def main():
    task = get_task()
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": task["query"]}]
    last = ""
    for _ in range(MAX_ITERS):
        message = chat(messages, tools=[TOOL])
        messages.append({k: v for k, v in message.items() if k in ("role", "content", "tool_calls")})
        last = message.get("content") or ""
        calls = message.get("tool_calls") or []
        if not calls:
            break
        for call in calls:
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": run_tool(call)})
    print_output(response=last, metrics={"agent/turns": sum(1 for m in messages if m["role"] == "assistant")})


if __name__ == "__main__":
    main()
