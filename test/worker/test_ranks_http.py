"""Two learner ranks behind HTTP: rank 0 serves the API, rank 1 a generation replica; a lost rank."""

import json
import os
import signal
import tempfile
import threading
import time
import unittest

from http_fixture import call_json
from ranks_fixture import free_port_pair, start_ranks, stop_ranks
from rollcall_worker.__main__ import parse_args
from rollcall_worker.distributed.serve_ranks import serve_ranks
from test_ranks_learning import NEEDS_FSDP2
from tiny_policy import CharTokenizer
from worker_fixture import as_sample, as_wire, generate, suite_policy, tiny_worker

TOK = CharTokenizer()
PROMPT = TOK.encode("<|user|>q\n<|assistant|>", False)
COMPLETION = {"prompt": PROMPT, "max_tokens": 10, "seed": 9, "temperature": 0.8, "logprobs": 0, "return_token_ids": True}
READY_S = 60.0


def dying(policy, hanging: str | None):
    """Rank 1's model in the failure tests: its first training forward kills the process, or hangs
    (after creating the file `hanging`, so a test knows the step is stuck)."""
    forward = policy.forward_logits

    def forward_logits(*args, **kwargs):
        if policy.module.training:
            if hanging:
                open(hanging, "w").close()
                time.sleep(3600)
            os._exit(3)
        return forward(*args, **kwargs)

    policy.forward_logits = forward_logits
    return policy


def serve(ranks, port: int, timeout_s: float, failure: str | None, hanging: str | None, sharded: bool):
    """One rank of the suite's model behind HTTP (on the native model, generation uses the KV cache)."""
    args = parse_args(["--model", "tiny", "--device", "cpu", "--port", str(port), "--collective-timeout-s", str(timeout_s)])
    policy = dying(suite_policy(0), hanging) if failure and ranks.rank == 1 else suite_policy(0)
    return serve_ranks(args, policy, CharTokenizer(), ranks, sharded=sharded)


def wait_ready(port: int, processes: list) -> None:
    """Until the rank serving `port` answers /health; fails once a rank has exited or after READY_S."""
    deadline = time.monotonic() + READY_S
    while True:
        try:
            if call_json(port, "GET", "/health", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        exited = [p.exitcode for p in processes if not p.is_alive()]
        if exited or time.monotonic() > deadline:
            raise AssertionError(f"port {port} not ready: ranks exited with {exited} (their tracebacks are on stderr)" if exited else f"port {port} not ready after {READY_S}s")
        time.sleep(0.05)


def step_body() -> dict:
    sample = as_sample(generate(tiny_worker(seed=0), "<|user|>q\n<|assistant|>", 8, seed=1), 1.0)
    return {"samples": [as_wire(sample), as_wire(sample)], "hyper": {"lr": 1e-2, "microBatchSize": 1}}


class RanksOverHttp:
    def __init__(self, failure: str | None = None, timeout_s: float = 30.0, sharded: bool = False) -> None:
        self.port = free_port_pair()
        self.folder = tempfile.TemporaryDirectory()
        self.hanging = os.path.join(self.folder.name, "hanging") if failure == "hang" else None
        # The results queue is kept: the ranks unpickle it after this returns, and a collected queue
        # unlinks its semaphore first.
        self.processes, self.results = start_ranks(2, serve, self.port, timeout_s, failure, self.hanging, sharded, timeout_s=timeout_s)

    def close(self) -> None:
        stop_ranks(self.processes)
        self.folder.cleanup()


class GenerationReplicaTest(unittest.TestCase):
    sharded, grad_sync = False, "reduce-broadcast"

    def test_a_step_on_rank_0_reaches_the_replica_with_its_version(self) -> None:
        ranks = RanksOverHttp(sharded=self.sharded)
        try:
            leader, replica = ranks.port, ranks.port + 1
            wait_ready(leader, ranks.processes)
            wait_ready(replica, ranks.processes)
            self.assertEqual(call_json(replica, "GET", "/policy")[1], {"policyVersion": 0, "rank": 1, "worldSize": 2, "gradSync": self.grad_sync})
            before = call_json(replica, "POST", "/v1/completions", COMPLETION)[1]["choices"][0]
            status, trained = call_json(leader, "POST", "/train/step", step_body())
            self.assertEqual((status, trained["policyVersion"], trained["metrics"]["learner/ranks"]), (200, 1, 2.0), trained)
            self.assertEqual(call_json(replica, "GET", "/policy")[1]["policyVersion"], 1)
            self.assertEqual(call_json(leader, "GET", "/policy")[1]["policyVersion"], 1)
            on_leader = call_json(leader, "POST", "/v1/completions", COMPLETION)[1]["choices"][0]
            on_replica = call_json(replica, "POST", "/v1/completions", COMPLETION)[1]["choices"][0]
            self.assertEqual(on_replica["token_ids"], on_leader["token_ids"])
            self.assertEqual(on_replica["logprobs"]["token_logprobs"], on_leader["logprobs"]["token_logprobs"])
            self.assertNotEqual(on_replica["logprobs"]["token_logprobs"], before["logprobs"]["token_logprobs"])
            status, refused = call_json(replica, "POST", "/train/step", step_body())
            self.assertEqual(status, 409)
            self.assertIn("send /train/step to rank 0", refused["error"]["message"])
            os.kill(ranks.processes[0].pid, signal.SIGTERM)  # a normal stop: rank 0 tells rank 1 to exit
            for process in ranks.processes:
                process.join(timeout=30)
            self.assertEqual([p.exitcode for p in ranks.processes], [0, 0])
        finally:
            ranks.close()


@NEEDS_FSDP2
class Fsdp2GenerationReplicaTest(GenerationReplicaTest):
    sharded, grad_sync = True, "fsdp2"


class LostRankTest(unittest.TestCase):
    def assert_step_fails_and_worker_stops(self, ranks: RanksOverHttp, cause: str) -> None:
        wait_ready(ranks.port, ranks.processes)
        status, body = call_json(ranks.port, "POST", "/train/step", step_body())
        self.assertEqual(status, 503, body)
        message = body["error"]["message"]
        self.assertIn("/train/step failed across the learner ranks", message)
        self.assertIn(cause, message)
        self.assertIn("restart it (all ranks)", message)
        ranks.processes[0].join(timeout=30)
        self.assertEqual(ranks.processes[0].exitcode, 1)  # rank 0 leaves, so a launcher stops the rest

    def test_a_rank_that_dies_mid_step_fails_the_step_with_a_clear_error(self) -> None:
        ranks = RanksOverHttp(failure="die")
        try:
            self.assert_step_fails_and_worker_stops(ranks, "by peer")  # gloo: "closed by peer" or "reset by peer"
        finally:
            ranks.close()

    def test_a_rank_that_hangs_fails_the_step_at_the_collective_time_out(self) -> None:
        ranks = RanksOverHttp(failure="hang", timeout_s=2.0)
        try:
            self.assert_step_fails_and_worker_stops(ranks, "Timed out")
        finally:
            ranks.close()

    def test_the_launcher_stopping_rank_0_mid_step_answers_the_step(self) -> None:
        # torchrun's answer to a dead rank is SIGTERM to the others, while rank 0 may wait in an
        # NCCL collective that only its time-out (here 60 s) would end.
        ranks = RanksOverHttp(failure="hang", timeout_s=60.0)
        try:
            wait_ready(ranks.port, ranks.processes)
            answer: list = []
            request = threading.Thread(target=lambda: answer.append(call_json(ranks.port, "POST", "/train/step", step_body())))
            request.start()
            while not os.path.exists(ranks.hanging):
                time.sleep(0.05)
            os.kill(ranks.processes[0].pid, signal.SIGTERM)
            request.join(timeout=30)
            status, body = answer[0]
            self.assertEqual(status, 503, body)
            self.assertIn("the worker was stopped (signal 15", body["error"]["message"])
            ranks.processes[0].join(timeout=30)
            self.assertEqual(ranks.processes[0].exitcode, 1)
        finally:
            ranks.close()


if __name__ == "__main__":
    unittest.main()
