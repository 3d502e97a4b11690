"""`python -m rollcall serve` as the trainer runs it: a ready line, and an exit when stdin closes,
even with a function stuck in a thread."""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

from service_fixture import Client, workflow_body


class ServeCommandTest(unittest.TestCase):
    def test_ready_line_then_a_clean_exit_when_the_trainer_goes_away(self):
        folder = tempfile.mkdtemp(prefix="rollcall-cli-")
        path = os.path.join(folder, "stuck.py")
        with open(path, "w") as file:
            file.write(textwrap.dedent("""
                import threading
                def workflow(task, model, auxiliary_models):
                    threading.Event().wait()  # never returns
            """))
        process = subprocess.Popen([sys.executable, "-m", "rollcall", "serve", "--workflow", f"{path}:workflow", "--port", "0",
                                    "--ready-line", "--stop-on-stdin-close"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        ready = json.loads(process.stdout.readline())
        self.assertEqual((ready["rollcallServe"], ready["workflow"], ready["judge"], ready["pid"]), (1, f"{path}:workflow", None, process.pid))
        status, body = Client(ready["url"]).post("/workflow", workflow_body(), timeout_ms=100)
        self.assertEqual((status, body["error"]["type"]), (504, "timeout"))
        process.stdin.close()  # what a trainer's exit (or kill) does to the pipe
        self.assertEqual(process.wait(timeout=60), 0)
        process.stdout.close()

    def test_a_function_that_cannot_be_served_exits_2_with_the_reason(self):
        done = subprocess.run([sys.executable, "-m", "rollcall", "serve", "--workflow", "json:nope"], capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2)
        self.assertIn("json:nope: json has no 'nope'", done.stderr)


if __name__ == "__main__":
    unittest.main()
