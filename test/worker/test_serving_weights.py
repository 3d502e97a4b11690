"""`POST /weights`: serving weights only, written so that an engine never sees a half-written folder."""

import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import torch

from http_fixture import ServedWorker
from tiny_policy import CharTokenizer
from worker_fixture import as_sample, as_wire, generate, saved_weights, weight_files

TOK = CharTokenizer()


class ServingWeightsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.served = ServedWorker(seed=5, start_scheduler=False)  # `generate` steps the scheduler here: no second stepper
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)

    def tearDown(self) -> None:
        self.served.close()
        self.tmp.cleanup()

    def _train_once(self) -> int:
        sample = as_wire(as_sample(generate(self.served.worker, "<|user|>q\n<|assistant|>", 6, seed=1), 1.0))
        status, body = self.served.json("POST", "/train/step", {"samples": [sample], "hyper": {"lr": 1e-2}})
        self.assertEqual(status, 200, body)
        return body["policyVersion"]

    def test_writes_the_weights_and_tokenizer_of_the_current_version_and_nothing_else(self) -> None:
        version = self._train_once()
        path = self.root / "publish" / "step_1"
        status, body = self.served.json("POST", "/weights", {"path": str(path)})
        self.assertEqual((status, body), (200, {"path": str(path), "policyVersion": version, "lora": False}))
        self.assertEqual(sorted(p.name for p in path.iterdir()), sorted(["char-tokenizer.json", *weight_files()]))
        saved, state = saved_weights(path), self.served.worker.policy.module.state_dict()
        self.assertTrue(saved)
        for name, tensor in saved.items():  # a tied LM head is saved once, as the embedding
            torch.testing.assert_close(tensor, state[name])
        self.assertEqual(sorted(p.name for p in path.parent.iterdir()), ["step_1"], "no temporary folder is left behind")

    def test_the_folder_is_readable_by_other_users_and_is_not_a_checkpoint(self) -> None:
        path = self.root / "step_0"
        self.assertEqual(self.served.json("POST", "/weights", {"path": str(path)})[0], 200)
        umask = os.umask(0)
        os.umask(umask)
        self.assertEqual(path.stat().st_mode & 0o777, 0o777 & ~umask, "not mkdtemp's 0700")
        status, body = self.served.json("POST", "/restore", {"path": str(path)})
        self.assertEqual(status, 400)
        self.assertIn("worker-state.json", body["error"]["message"])

    def test_rewriting_a_step_replaces_the_old_folder_whole(self) -> None:
        path = self.root / "step_1"
        path.mkdir()
        (path / "stale.bin").write_bytes(b"old run")
        self.assertEqual(self.served.json("POST", "/weights", {"path": str(path)})[0], 200)
        self.assertEqual(sorted(p.name for p in path.iterdir()), sorted(["char-tokenizer.json", *weight_files()]))
        self.assertEqual(sorted(p.name for p in self.root.iterdir()), ["step_1"])

    def test_a_failed_save_leaves_the_published_folder_untouched_and_no_debris(self) -> None:
        path = self.root / "step_2"
        path.mkdir()
        (path / "tiny-model.pt").write_bytes(b"published")

        def half_written(folder: Path) -> None:
            (folder / "tiny-model.pt").write_bytes(b"half")
            raise OSError("disk full")

        with mock.patch.object(self.served.worker.policy, "save_weights", side_effect=half_written):
            status, body = self.served.json("POST", "/weights", {"path": str(path)})
        self.assertEqual(status, 500)
        self.assertIn("disk full", body["error"]["message"])
        self.assertEqual((path / "tiny-model.pt").read_bytes(), b"published")
        self.assertEqual(sorted(p.name for p in self.root.iterdir()), ["step_2"])

    def test_path_is_required(self) -> None:
        for body in ({}, {"path": ""}, {"path": 3}):
            status, answer = self.served.json("POST", "/weights", body)
            self.assertEqual((status, answer["error"]["param"]), (400, "path"), body)


if __name__ == "__main__":
    unittest.main()
