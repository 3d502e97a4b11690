"""Chat demonstrations of the math agent solving problems through `execute_python_code`.

Exact agent format (examples/math-agent/python_agent.py): its system prompt, its tool schema, hermes
tool calls, and the real tool-result text `returncode: …\\nstdout:\\n…\\nstderr:\\n…` (with the
"nothing was printed" hint). A configurable share of demos is deliberately flawed:

- `forgot_print`: the code is a bare expression, the tool shows empty stdout; the demo then guesses
  (often wrongly), or in a share of cases retries with print();
- `same_turn`: the final answer is given in the same turn as the tool call, before the result
  (the guess is often wrong and is repeated after the result);
- `wrong_op`: one operator of the expression is wrong; the demo answers with the printed value.

Pure Python; `python3 scripts/small-policy/demos.py` self-checks the simulated tool text against a
real subprocess run.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys

# The agent's own prompt, tool schema and tool (examples/math-agent/python_agent.py): one source.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "math-agent"))
from python_agent import SYSTEM_PROMPT, TOOL, execute_python_code  # noqa: E402

FLAWS = ("forgot_print", "same_turn", "wrong_op")


def simulated_tool_result(code: str) -> str:
    """What execute_python_code returns for our demo code (one `print(expr)` line or a bare expression), without a subprocess."""
    m = re.fullmatch(r"print\((.*)\)", code)
    out = f"{eval(m.group(1), {'__builtins__': {}})}\n" if m else ""  # noqa: S307
    hint = "\n(nothing was printed: use print() to see values)" if out == "" else ""
    return f"returncode: 0\nstdout:\n{out}\nstderr:\n{hint}"


def fmt(value) -> str:
    """A number as a final answer: 12.0 -> 12, 7.5 -> 7.5."""
    return str(int(value)) if float(value) == int(value) else str(round(float(value), 2))


def wrong_expr(expr: str, rng: random.Random) -> str | None:
    """The expression with one operator swapped for another, changing (and keeping a valid non-negative) value."""
    ops = [m.start() for m in re.finditer(r" [-+*/] ", expr)]
    rng.shuffle(ops)
    truth = eval(expr)  # noqa: S307
    for i in ops:
        for new in rng.sample("+-*/", 4):
            if new == expr[i + 1]:
                continue
            cand = expr[:i + 1] + new + expr[i + 2:]
            try:
                v = eval(cand)  # noqa: S307
            except ZeroDivisionError:
                continue
            if v != truth and v >= 0 and abs(v) < 1e7:
                return cand
    return None


def _call(code: str, k: int) -> dict:
    return {"id": f"call_{k}", "type": "function", "function": {"name": "execute_python_code", "arguments": {"code": code}}}


FINALS = ["The code printed @OUT, so the answer is \\boxed{@N}.", "So the answer is \\boxed{@N}.", "The result is @OUT. The answer is \\boxed{@N}."]


def make_demo(problem: dict, rng: random.Random, flaw: str | None, guess_right: float = 0.3, recover: float = 0.25) -> dict:
    """One demonstration; flaw is None (clean) or one of FLAWS. A demo that did not see the result
    guesses the true answer with probability `guess_right`; one that forgot print() retries with it
    with probability `recover`."""
    expr, truth = problem["expr"], problem["answer"]
    msgs = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": problem["question"]}]
    k = 0

    def tool_turn(code: str, content: str = "") -> str:
        nonlocal k
        msgs.append({"role": "assistant", "content": content, "tool_calls": [_call(code, k)]})
        result = simulated_tool_result(code)
        msgs.append({"role": "tool", "tool_call_id": f"call_{k}", "content": result})
        k += 1
        return result

    def final(out: str, n: str) -> None:
        msgs.append({"role": "assistant", "content": rng.choice(FINALS).replace("@OUT", out).replace("@N", n)})

    bad = wrong_expr(expr, rng)
    if flaw == "wrong_op" and bad is None:
        flaw = "forgot_print"
    guess = fmt(eval(bad)) if bad is not None and rng.random() < 1 - guess_right else str(truth)  # noqa: S307
    if flaw is None:
        tool_turn(f"print({expr})")
        final(str(eval(expr)), str(truth))  # noqa: S307
    elif flaw == "wrong_op":
        tool_turn(f"print({bad})")
        final(str(eval(bad)), fmt(eval(bad)))  # noqa: S307
    elif flaw == "forgot_print":
        tool_turn(expr)
        if rng.random() < recover:
            tool_turn(f"print({expr})", "Nothing was printed. I will print the result.")
            final(str(eval(expr)), str(truth))  # noqa: S307
        else:
            msgs.append({"role": "assistant", "content": f"The code did not print anything, so I estimate the answer is \\boxed{{{guess}}}."})
    elif flaw == "same_turn":
        tool_turn(f"print({expr})", f"The answer is \\boxed{{{guess}}}.")
        msgs.append({"role": "assistant", "content": f"As I said, the answer is \\boxed{{{guess}}}."})
    else:
        raise ValueError(flaw)
    return {"messages": msgs, "flaw": flaw or "clean", "answer": truth, "template": problem["template"]}


def make_demos(problems: list[dict], flaw_share: float, seed: int, flaw_weights=(0.4, 0.3, 0.3), guess_right: float = 0.3, recover: float = 0.25) -> list[dict]:
    rng = random.Random(seed)
    return [make_demo(p, rng, rng.choices(FLAWS, flaw_weights)[0] if rng.random() < flaw_share else None, guess_right, recover) for p in problems]


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from collections import Counter

    from problems import make_set
    demos = make_demos(make_set(3000, "train", "train", 0), 0.4, 0)
    print(Counter(d["flaw"] for d in demos))
    for flaw in ("clean",) + FLAWS:
        d = next(x for x in demos if x["flaw"] == flaw)
        print(f"--- {flaw}:", json.dumps(d["messages"][1:], indent=None)[:900])
    # the simulated tool text equals the real tool's, for every code shape
    checked = 0
    for d in demos[:60]:
        for m in d["messages"]:
            for c in m.get("tool_calls") or []:
                code = c["function"]["arguments"]["code"]
                assert simulated_tool_result(code) == execute_python_code(code), code
                checked += 1
    print(f"simulated tool results == real subprocess results for {checked} calls")
