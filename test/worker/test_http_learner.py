"""`/train/step`, `/checkpoint`, `/restore` over HTTP: the worker-learner.ts contract."""

import json
import tempfile
import unittest
from pathlib import Path

import torch

from http_fixture import ServedWorker
from tiny_policy import CharTokenizer
from worker_fixture import as_sample, as_wire, generate

TOK = CharTokenizer()
GOOD = {"tokens": [5, 6, 7, 8], "promptLength": 2, "lossMask": [0, 0, 1, 1], "logprobs": [0, 0, -4.5, -4.6], "advantages": [0, 0, 1, 1]}
METRICS = [
    "learner/loss", "learner/pg_loss", "learner/clip_frac", "learner/approx_kl", "learner/entropy", "learner/grad_norm",
    "learner/ratio_mean", "learner/ratio_max", "learner/ratio_min", "learner/tis_weight_mean", "learner/logprob_diff_mean",
    "learner/logprob_diff_max", "learner/trained_tokens", "learner/step_time_s", "learner/tokens_per_s",
]


class TrainStepTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.served = ServedWorker(seed=3)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.served.close()

    def test_validation_follows_the_fake_learner_and_names_the_sample(self) -> None:
        cases = [
            ({"tokens": [1, 2]}, "samples[1]: missing arrays"),
            ({**GOOD, "logprobs": [0, 0, 0]}, "samples[1]: array lengths differ"),
            ({**GOOD, "promptLength": 5}, "samples[1]: bad promptLength"),
            ({**GOOD, "promptLength": -1}, "samples[1]: bad promptLength"),
            ({**GOOD, "lossMask": [0, 0, 2, 1]}, "samples[1]: loss mask not 0/1"),
            ({**GOOD, "lossMask": [0, 0, 0, 0], "advantages": [0, 0, 0, 0]}, "samples[1]: nothing to train"),
            ({**GOOD, "advantages": [0, 0.5, 1, 1]}, "samples[1]: advantage on a masked token"),
            ({**GOOD, "tokens": [5, 6, 7, 99999]}, "samples[1]: token ids must be integers"),
            ({**GOOD, "lossMask": [1, 0, 1, 1], "advantages": [1, 0, 1, 1]}, "samples[1]: the first token cannot be trained"),
            ({**GOOD, "sampling": {"temperature": -0.5}}, "samples[1]: sampling.temperature must be a number ≥ 0"),
            ({**GOOD, "sampling": {"topP": 0}}, "samples[1]: sampling.topP must be in (0, 1]"),
            ({**GOOD, "sampling": {"topK": 2.5}}, "samples[1]: sampling.topK must be an integer"),
        ]
        for bad, message in cases:
            status, body = self.served.json("POST", "/train/step", {"samples": [GOOD, bad], "hyper": {}})
            self.assertEqual(status, 400, bad)
            self.assertTrue(body["error"]["message"].startswith(message), body)
        status, body = self.served.json("POST", "/train/step", {"samples": [], "hyper": {}})
        self.assertEqual(status, 400)
        status, body = self.served.json("POST", "/train/step", {"samples": [GOOD], "hyper": {"lossAgg": "sum"}})
        self.assertEqual((status, body["error"]["param"]), (400, "hyper.lossAgg"))
        status, body = self.served.json("POST", "/train/step", {"samples": [GOOD], "hyper": {"lr": -1}})
        self.assertEqual((status, body["error"]["param"]), (400, "hyper.lr"))
        status, body = self.served.json("POST", "/train/step", {"samples": [GOOD], "hyper": {"tis": "both"}})
        self.assertEqual((status, body["error"]["param"]), (400, "hyper.tis"))
        status, body = self.served.json("POST", "/train/step", {"samples": [GOOD], "hyper": {"lossAgg": "seq-mean-token-sum-norm"}})
        self.assertEqual((status, body["error"]["param"]), (400, "hyper.lossScaleFactor"))

    def test_a_good_step_bumps_the_version_and_reports_metrics(self) -> None:
        learner = self.served.worker.learner
        version = learner.policy_version
        hyper = {"lr": 1e-3, "clipLow": 0.2, "clipHigh": 0.28, "tisCap": 2, "klCoef": 0, "entropyCoef": 0, "microBatchSize": 4,
                 "gradClip": 1, "ppoEpochs": 1, "lossAgg": "token-mean", "futureKey": 1}
        status, body = self.served.json("POST", "/train/step", {"samples": [GOOD, GOOD], "hyper": hyper})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["policyVersion"], version + 1)
        for name in METRICS:
            self.assertIn(name, body["metrics"])
        self.assertEqual(body["metrics"]["learner/trained_tokens"], 4)
        self.assertEqual(body["warnings"], ["hyper.futureKey: unknown key, ignored"])


class CheckpointTest(unittest.TestCase):
    def test_checkpoint_and_restore_round_trip(self) -> None:
        served = ServedWorker(seed=4)
        try:
            worker = served.worker
            sample = as_wire(as_sample(generate(worker, "<|user|>q\n<|assistant|>", 6, seed=1), 1.0))
            step = {"samples": [sample], "hyper": {"lr": 1e-2}}
            self.assertEqual(served.json("POST", "/train/step", step)[1]["policyVersion"], 1)
            self.assertEqual(served.json("GET", "/policy"), (200, {"policyVersion": 1, "rank": 0, "worldSize": 1, "gradSync": "single"}))
            request = {"prompt": TOK.encode("<|user|>q\n<|assistant|>", False), "max_tokens": 10, "seed": 9, "logprobs": 0, "return_token_ids": True}
            at_one = served.json("POST", "/v1/completions", request)[1]["choices"][0]
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "global_step_1"
                status, body = served.json("POST", "/checkpoint", {"path": str(path)})
                self.assertEqual((status, body["policyVersion"]), (200, 1))
                state = json.loads((path / "worker-state.json").read_text())
                self.assertEqual((state["policyVersion"], state["step"], state["lora"]), (1, 1, False))
                self.assertTrue((path / "optimizer.pt").is_file())
                saved_optimizer = torch.load(path / "optimizer.pt")
                served.json("POST", "/train/step", step)
                served.json("POST", "/train/step", step)
                moved = served.json("POST", "/v1/completions", request)[1]["choices"][0]
                self.assertNotEqual(moved["logprobs"]["token_logprobs"], at_one["logprobs"]["token_logprobs"])
                status, body = served.json("POST", "/restore", {"path": str(path)})
                self.assertEqual((status, body["policyVersion"]), (200, 1))
                again = served.json("POST", "/v1/completions", request)[1]["choices"][0]
                self.assertEqual(again["token_ids"], at_one["token_ids"])
                self.assertEqual(again["logprobs"]["token_logprobs"], at_one["logprobs"]["token_logprobs"])
                restored = worker.learner.optimizer.state_dict()["state"]
                for key, value in saved_optimizer["state"].items():
                    torch.testing.assert_close(restored[key]["exp_avg"], value["exp_avg"])
                self.assertEqual(served.json("POST", "/train/step", step)[1]["policyVersion"], 2)
                status, body = served.json("POST", "/restore", {"path": str(Path(tmp) / "missing")})
                self.assertEqual(status, 400)
        finally:
            served.close()


if __name__ == "__main__":
    unittest.main()
