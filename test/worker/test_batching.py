"""Continuous batching: concurrent requests share forwards; a long one does not hold a short one."""

import threading
import time
import unittest

from http_fixture import ServedWorker
from tiny_policy import CharTokenizer

TOK = CharTokenizer()


class BatchingTest(unittest.TestCase):
    def setUp(self) -> None:
        self.served = ServedWorker(seed=5)

    def tearDown(self) -> None:
        self.served.close()

    def post(self, prompt: str, max_tokens: int, results: dict, key: str) -> None:
        body = {"prompt": TOK.encode(prompt, False), "max_tokens": max_tokens, "ignore_eos": True, "return_token_ids": True, "seed": 1}
        results[key] = self.served.json("POST", "/v1/completions", body)

    def wait_pending(self, count: int) -> None:
        deadline = time.monotonic() + 10
        while self.served.worker.scheduler.pending < count:
            self.assertLess(time.monotonic(), deadline, "requests never reached the scheduler")
            time.sleep(0.005)

    def test_concurrent_requests_of_different_lengths_share_forwards(self) -> None:
        scheduler, results = self.served.worker.scheduler, {}
        threads = [threading.Thread(target=self.post, args=("<|user|>short\n", 3, results, "short")),
                   threading.Thread(target=self.post, args=("<|user|>a longer prompt\n", 12, results, "long"))]
        with self.served.worker.gate.training():  # hold generation so both are queued before the first step
            for thread in threads:
                thread.start()
            self.wait_pending(2)
            before = scheduler.forward_count
        for thread in threads:
            thread.join(30)
        self.assertEqual(len(results["short"][1]["choices"][0]["token_ids"]), 3)
        self.assertEqual(len(results["long"][1]["choices"][0]["token_ids"]), 12)
        self.assertEqual(scheduler.forward_count - before, 12)  # 3 + 12 tokens in 12 forwards

    def test_a_request_arriving_mid_flight_joins_and_finishes_first(self) -> None:
        # The test steps the scheduler itself, so the order is what the server did, not a race
        # between client threads' clocks.
        self.served.close()
        self.served = ServedWorker(seed=5, start_scheduler=False)
        scheduler, results = self.served.worker.scheduler, {}
        long_thread = threading.Thread(target=self.post, args=("<|user|>long\n", 120, results, "long"))
        long_thread.start()
        self.wait_pending(1)
        for _ in range(3):
            scheduler.step()
        short_thread = threading.Thread(target=self.post, args=("<|user|>short\n", 2, results, "short"))
        short_thread.start()
        self.wait_pending(2)
        scheduler.step()
        scheduler.step()  # the short request's two tokens: it joined at the next step
        short_thread.join(30)
        self.assertIn("short", results, "the short request did not finish within its two steps")
        self.assertEqual(len(results["short"][1]["choices"][0]["token_ids"]), 2)
        self.assertTrue(long_thread.is_alive(), "the long request needs more steps")
        self.assertEqual(scheduler.pending, 1)
        while scheduler.pending:
            scheduler.step()
        long_thread.join(30)
        self.assertEqual(len(results["long"][1]["choices"][0]["token_ids"]), 120)
        self.assertEqual(scheduler.forward_count, 120)  # the short one rode along in steps 4 and 5

if __name__ == "__main__":
    unittest.main()
