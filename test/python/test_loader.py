"""Loading functions named in a config: what the trainer shows when a spec is wrong."""

import os
import tempfile
import textwrap
import unittest

from rollcall.loader import LoadError, load_function


class LoaderTest(unittest.TestCase):
    def write(self, source: str) -> str:
        folder = tempfile.mkdtemp(prefix="rollcall-loader-")
        path = os.path.join(folder, "agent_under_test.py")
        with open(path, "w", encoding="utf-8") as file:
            file.write(textwrap.dedent(source))
        with open(os.path.join(folder, "helper_beside_it.py"), "w", encoding="utf-8") as file:
            file.write("ANSWER = 42\n")
        return path

    def test_a_file_spec_loads_once_and_may_import_its_neighbours(self):
        path = self.write("""
            from helper_beside_it import ANSWER
            LOADS = []
            LOADS.append(1)
            def workflow(task, model, auxiliary_models): return ANSWER
            async def judge(task, response, auxiliary_models, calls): return LOADS
        """)
        workflow = load_function(f"{path}:workflow", "workflow")
        judge = load_function(f"{path}:judge", "judge")
        self.assertEqual(workflow(None, None, None), 42)
        self.assertIs(workflow.__globals__, judge.__globals__, "one module, shared globals")
        self.assertEqual(workflow.__globals__["LOADS"], [1])

    def test_wrong_specs_say_what_to_fix(self):
        path = self.write("""
            NOT_A_FUNCTION = 3
            def one_argument(task): ...
            def workflow(task, model, auxiliary_models): ...
        """)
        cases = {
            f"{path}": "must look like 'path/to/file.py:function'",
            f"{path}:missing": "has no 'missing' (functions: one_argument, workflow)",
            f"{path}:NOT_A_FUNCTION": "'NOT_A_FUNCTION' is a int, not a function",
            f"{path}:one_argument": "a workflow is called as workflow(task, model, auxiliary_models)",
            "/no/such/file.py:workflow": "no file /no/such/file.py",
        }
        for spec, message in cases.items():
            with self.assertRaises(LoadError, msg=spec) as caught:
                load_function(spec, "workflow")
            self.assertIn(message, str(caught.exception))

    def test_a_module_name_spec_imports_the_module(self):
        with self.assertRaises(LoadError) as caught:
            load_function("json:loads", "judge")
        self.assertIn("a judge is called as judge(task, response, auxiliary_models)", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
