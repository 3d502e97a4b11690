"""examples/math-agent/python_judge.py: the math answer rule, and the penalty for silent code."""

import asyncio
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "math-agent"))

from python_judge import answers_match, extract_answer, judge  # noqa: E402
from rollcall import Call, Task, ToolCall, WorkflowOutput  # noqa: E402

TASK = Task(id="t", query="q", reference_answer="Half of 36 is 18.\n#### 1,800")


def code_call(code: str) -> Call:
    return Call(seq=0, completion_text="", tool_calls=(ToolCall("execute_python_code", '{"code": %s}' % __import__("json").dumps(code)),))


def grade(response: str, calls=()):
    return asyncio.run(judge(TASK, WorkflowOutput(response=response), {}, list(calls)))


class MathJudgeExampleTest(unittest.TestCase):
    def test_the_answer_rule(self):
        self.assertEqual(extract_answer("first \\boxed{1} then \\boxed{\\frac{3}{4}} done"), "\\frac{3}{4}")
        self.assertEqual(extract_answer("so #### 72\n"), "72")
        self.assertEqual(extract_answer("The answer is $1,250 (not 1,000)."), "1,250")
        self.assertEqual(extract_answer("she pays 12 then 15"), "15")
        self.assertIsNone(extract_answer("no number here"))
        self.assertTrue(answers_match("\\$1,800.00", "1800"))
        self.assertTrue(answers_match("\\frac{3}{4}", "0.75"))
        self.assertFalse(answers_match("18.01", "18"))
        self.assertTrue(answers_match("Yes", " yes "))

    def test_right_wrong_and_missing_answers(self):
        self.assertEqual((grade("\\boxed{1800}").reward, grade("\\boxed{1800}").is_success), (1.0, True))
        self.assertEqual((grade("\\boxed{1801}").reward, grade("\\boxed{1801}").is_success), (0.0, False))
        self.assertEqual(grade("I do not know").metrics["judge/has_answer"], 0.0)

    def test_code_that_never_prints_costs_reward_but_not_success(self):
        silent = grade("\\boxed{1800}", [code_call("x = 36 * 50"), code_call("print(x)")])
        self.assertAlmostEqual(silent.reward, 0.8)
        self.assertTrue(silent.is_success)
        self.assertEqual(silent.metrics["judge/silent_code_calls"], 1.0)
        self.assertEqual(grade("\\boxed{7}", [code_call("1800")]).reward, 0.0, "never below the wrong-answer reward")

    def test_a_task_without_reference_is_an_error_not_a_zero(self):
        with self.assertRaises(ValueError):
            asyncio.run(judge(Task(id="t", query="q"), WorkflowOutput(response="1"), {}, []))


if __name__ == "__main__":
    unittest.main()
