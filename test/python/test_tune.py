"""tune(): serves the functions, runs the CLI against them, passes its output through and
returns the run folder (the real CLI end to end: test/integration/examples/python-tune.test.ts)."""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import rollcall
from rollcall import JudgeOutput, TuneError, WorkflowOutput
from rollcall.tune import build_config, find_cli

HERE = os.path.dirname(os.path.abspath(__file__))


def workflow(task, model, auxiliary_models):
    return WorkflowOutput(response=f"{task.query} via {model.model_name}")


async def judge(task, response, auxiliary_models):
    return JudgeOutput(reward=1.0, metrics={"judge/len": len(response.response or "")})


class TuneTest(unittest.TestCase):
    def setUp(self):
        self.runs = tempfile.mkdtemp(prefix="rollcall-tune-")
        cli = f"{sys.executable} {os.path.join(HERE, 'fake_train_cli.py')}"
        env = {"ROLLCALL_CLI": cli, "FAKE_RUNS_DIR": self.runs, "PYTHONPATH": os.pathsep.join(sys.path)}
        patcher = mock.patch.dict(os.environ, env)
        patcher.start()
        self.addCleanup(patcher.stop)

    def tune(self, *args, **kwargs):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            run_dir = rollcall.tune(*args, **kwargs)
        self.stderr = err.getvalue()
        return run_dir, out.getvalue()

    def test_trains_with_the_config_file_and_returns_the_run_folder(self):
        config = os.path.join(self.runs, "train.yaml")
        Path(config).write_text("project: p\n")
        run_dir, printed = self.tune(workflow, judge, config_path=config, backbone="debug", steps=2)
        self.assertEqual(run_dir, os.path.join(self.runs, "run-1"))
        self.assertIn("done: 1 step(s)", printed, "the CLI's output is passed through")
        seen = json.loads(Path(run_dir, "seen.json").read_text())
        self.assertEqual(seen["argv"][:3], ["train", "--conf", config])
        self.assertEqual(seen["argv"][-4:], ["--backbone", "debug", "--steps", "2"])
        self.assertEqual(seen["workflow"], {"response": "What is 6 * 3? via policy"})
        self.assertEqual(seen["judge"], {"reward": 1.0, "isSuccess": True, "metrics": {"judge/len": len("\\boxed{18}")}})
        log = Path(run_dir, "run.log").read_text()
        stats = json.loads(log.split("python functions (rollcall.tune): ")[1])
        self.assertEqual(stats["workflow"]["calls"], 1)
        self.assertEqual(stats["judge"]["calls"], 1)

    def test_dataset_mode_writes_a_config_for_the_served_functions(self):
        dataset = os.path.join(self.runs, "train.jsonl")
        Path(dataset).write_text('{"question": "1+1", "answer": "2"}\n')
        run_dir, _ = self.tune(workflow, dataset=dataset, model="http://127.0.0.1:8000", algorithm="rloo",
                               settings={"rollout": {"groupSize": 8}})
        seen = json.loads(Path(run_dir, "seen.json").read_text())
        config = json.loads(seen["conf"])
        self.assertEqual(config["tasks"]["train"], {"type": "jsonl", "path": dataset})
        self.assertEqual(config["proxy"]["engine"]["upstreams"], ["http://127.0.0.1:8000"])
        self.assertEqual(config["algorithm"], {"estimator": "rloo"})
        self.assertEqual(config["rollout"], {"groupSize": 8})
        self.assertEqual(config["workflow"]["type"], "http")
        self.assertIsNone(seen["judge"], "without judge_func the config's judge grades")
        self.assertNotIn("--judge-url", seen["argv"])

    def test_a_failed_run_raises_with_its_run_folder_and_its_stderr_reaches_sys_stderr(self):
        err = io.StringIO()
        with mock.patch.dict(os.environ, {"FAKE_EXIT": "1"}), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            with self.assertRaises(TuneError) as caught:
                rollcall.tune(workflow, judge, dataset={"type": "jsonl", "path": "x.jsonl"})
        self.assertIn("rollcall train: it broke", err.getvalue(), "not a terminal: the child's stderr is copied")
        self.assertEqual(caught.exception.returncode, 1)
        self.assertEqual(caught.exception.run_dir, os.path.join(self.runs, "run-1"))

    def test_wrong_calls_are_refused_before_anything_starts(self):
        with self.assertRaises(TuneError):
            rollcall.tune(workflow, judge)
        with self.assertRaises(TuneError):
            rollcall.tune(workflow, judge, config_path="a.yaml", dataset="b.jsonl")
        with self.assertRaises(TuneError):
            rollcall.tune(workflow, judge, config_path="a.yaml", model="http://x")
        with self.assertRaises(TuneError):
            rollcall.tune(workflow, judge, dataset="/no/such/data.jsonl")

    def test_the_cli_is_this_checkout_unless_rollcall_cli_says_otherwise(self):
        with mock.patch.dict(os.environ, {"ROLLCALL_CLI": ""}):
            cli = find_cli()
        self.assertTrue(cli[-1].endswith(os.path.join("bin", "rollcall.js")), cli)
        self.assertEqual(find_cli()[0], sys.executable)

    def test_a_model_section_replaces_the_engine(self):
        config = build_config("http://s/workflow", {"type": "jsonl", "path": "/d.jsonl"}, {"kind": "sglang", "upstreams": ["http://e"]}, None, None)
        self.assertEqual(config["proxy"], {"engine": {"kind": "sglang", "upstreams": ["http://e"]}})
        self.assertNotIn("learner", config)


if __name__ == "__main__":
    unittest.main()
