"""run_as_command: the same workflow function as one process per rollout (the command runner)."""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

PACKAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "adapters", "python")
TASK = {"id": "t1", "index": 3, "query": "What is 6 * 3?", "referenceAnswer": "18", "metadata": {}}


class RunAsCommandTest(unittest.TestCase):
    def run_agent(self, body: str, env: dict) -> subprocess.CompletedProcess:
        folder = tempfile.mkdtemp(prefix="rollcall-command-")
        path = os.path.join(folder, "agent.py")
        with open(path, "w") as file:
            file.write("import rollcall\nfrom rollcall import WorkflowOutput\n" + textwrap.dedent(body)
                       + "\nif __name__ == '__main__':\n    rollcall.run_as_command(workflow)\n")
        return subprocess.run([sys.executable, path], env={"PATH": os.environ["PATH"], "PYTHONPATH": PACKAGE, **env},
                              capture_output=True, text=True, timeout=60)

    def test_reads_the_rollout_from_the_environment_and_prints_one_json_line(self):
        done = self.run_agent("""
            async def workflow(task, model, auxiliary_models):
                print("a log line first")
                return WorkflowOutput(final_answer=task.query, metadata={"key": model.api_key, "aux": sorted(auxiliary_models)},
                                      metrics={"attempt": model.attempt})
        """, {"OPENAI_BASE_URL": "http://p/v1", "OPENAI_API_KEY": "rk-9", "ROLLCALL_TASK": json.dumps(TASK), "ROLLCALL_ATTEMPT": "2",
              "ROLLCALL_AUXILIARY_MODELS": json.dumps({"judge": {"baseUrl": "http://a/v1", "apiKey": "k", "model": "m"}})})
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.strip().split("\n")
        self.assertEqual(lines[0], "a log line first")
        self.assertEqual(json.loads(lines[-1]), {"finalAnswer": "What is 6 * 3?", "metadata": {"key": "rk-9", "aux": ["judge"]}, "metrics": {"attempt": 2}})

    def test_outside_a_rollout_it_says_what_is_missing(self):
        done = self.run_agent("def workflow(task, model, auxiliary_models): ...", {})
        self.assertEqual(done.returncode, 1)
        self.assertIn("OPENAI_BASE_URL, OPENAI_API_KEY, ROLLCALL_TASK not set", done.stderr)


if __name__ == "__main__":
    unittest.main()
