"""A judge in Python for the GSM8K math agent: the built-in math judge's answer rule, plus a
penalty for each tool call whose code never prints (the tool shows only what code prints, so such
a call wastes a turn and teaches the model nothing).

Configured as ``judge: {type: python, module: ./python_judge.py:judge}``; it runs in the same
Python process as a python workflow. It declares ``calls`` to get the rollout's recorded calls.

The answer rule (trainer/judges/answer-extract.ts and answer-compare.ts are the full version):
the answer is the last ``\\boxed{…}``, else the text after the last ``####``, else the number after
"the answer is", else the last number; the reference is GSM8K's text after ``####``; numbers match
within a relative 1e-6, other answers when equal ignoring case and spaces.
"""

import re
from fractions import Fraction
from typing import List, Optional

from rollcall import Call, JudgeOutput, Task, WorkflowOutput

SILENT_CODE_PENALTY = 0.2
RELATIVE_TOLERANCE = 1e-6
_NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:/\d+)?|-?\.\d+"
_PRINT_CALL = re.compile(r"\bprint\s*\(")


def last_boxed(text: str) -> Optional[str]:
    """The content of the last well-formed ``\\boxed{…}`` (nested braces allowed)."""
    for match in reversed(list(re.finditer(r"\\(?:boxed|fbox)\s*\{", text))):
        depth, start = 1, match.end()
        for k in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[k], 0)
            if depth == 0:
                content = text[start:k].strip()
                if content:
                    return content
                break
    return None


def extract_answer(text: str) -> Optional[str]:
    boxed = last_boxed(text)
    if boxed is not None:
        return boxed
    hashes = [found.strip() for found in re.findall(r"####[ \t]*([^\n]*)", text) if found.strip()]
    if hashes:
        return hashes[-1]
    phrases = list(re.finditer(r"\banswer\s*(?:is|was|:|=)\s*[$\s]*(" + _NUMBER + ")", text, re.IGNORECASE))
    if phrases:
        return phrases[-1].group(1)
    numbers = re.findall(_NUMBER, text)
    return numbers[-1] if numbers else None


def reference_answer(reference: str) -> str:
    hashes = re.findall(r"####[ \t]*([^\n]*)", reference)
    return hashes[-1].strip() if hashes else (last_boxed(reference) or reference.strip())


def as_number(text: str) -> Optional[Fraction]:
    cleaned = re.sub(r"\\text\{([^}]*)\}|\\[,!;]|\\?\$|\\?%|,", lambda m: m.group(1) or "", text).strip().rstrip(".")
    fraction = re.fullmatch(r"-?\\d?frac\{(-?\d+)\}\{(\d+)\}", cleaned)
    if fraction:
        sign = -1 if cleaned.startswith("-") else 1
        return sign * Fraction(int(fraction.group(1)), int(fraction.group(2)))
    try:
        return Fraction(cleaned) if re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)(/\d+)?", cleaned) else None
    except (ValueError, ZeroDivisionError):
        return None


def answers_match(predicted: str, reference: str) -> bool:
    a, b = as_number(predicted), as_number(reference)
    if a is not None and b is not None:
        return a == b or abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b))
    if a is not None or b is not None:
        return False
    squash = lambda s: re.sub(r"\s+", "", s).lower()  # noqa: E731
    return predicted.strip() != "" and squash(predicted) == squash(reference)


def silent_code_calls(calls: List[Call]) -> int:
    """Tool calls that carry code which never calls print()."""
    silent = 0
    for call in calls:
        for tool_call in call.tool_calls:
            code = (tool_call.parsed_arguments() or {}).get("code")
            if isinstance(code, str) and not _PRINT_CALL.search(code):
                silent += 1
    return silent


async def judge(task: Task, response: WorkflowOutput, auxiliary_models: dict, calls: List[Call]) -> JudgeOutput:
    if not task.reference_answer:
        raise ValueError(f"task {task.id!r} has no reference answer; map the dataset's answer field to it")
    answer = extract_answer(response.graded_text or "")
    correct = answer is not None and answers_match(answer, reference_answer(task.reference_answer))
    silent = silent_code_calls(calls)
    reward = max(0.0, (1.0 if correct else 0.0) - SILENT_CODE_PENALTY * silent)
    metrics = {"judge/correct": float(correct), "judge/has_answer": float(answer is not None), "judge/silent_code_calls": float(silent)}
    return JudgeOutput(reward=reward, is_success=correct, metrics=metrics)
