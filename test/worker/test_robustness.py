"""Failure paths: a broken choice, a client that leaves mid-stream, several prompts, bad restores."""

import http.client
import json
import tempfile
import time
import unittest
from pathlib import Path

from http_fixture import ServedWorker
from tiny_policy import CharTokenizer

TOK = CharTokenizer()
PROMPT = TOK.encode("<|user|>go\n<|assistant|>", False)


class RobustnessTest(unittest.TestCase):
    def setUp(self) -> None:
        self.served = ServedWorker(seed=8)

    def tearDown(self) -> None:
        self.served.close()

    def test_a_choice_whose_text_cannot_be_decoded_fails_alone(self) -> None:
        tokenizer = self.served.worker.tokenizer
        original = tokenizer.decode
        def decode(ids, skip_special_tokens):  # a tokenizer that cannot decode what the LM head produced
            if len(ids) > len(PROMPT) - 5 + 2:
                raise ValueError("id outside the tokenizer")
            return original(ids, skip_special_tokens)
        tokenizer.decode = decode
        try:
            status, body = self.served.json("POST", "/v1/completions", {"prompt": PROMPT, "max_tokens": 5, "ignore_eos": True})
            self.assertEqual(status, 500)
            self.assertIn("generation failed", body["error"]["message"])
        finally:
            tokenizer.decode = original
        status, body = self.served.json("POST", "/v1/completions", {"prompt": PROMPT, "max_tokens": 5, "ignore_eos": True, "return_token_ids": True})
        self.assertEqual((status, len(body["choices"][0]["token_ids"])), (200, 5))

    def test_a_client_leaving_mid_stream_cancels_its_sequences(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.served.port, timeout=30)
        connection.request("POST", "/v1/completions", body=json.dumps({"prompt": PROMPT, "max_tokens": 200, "ignore_eos": True, "stream": True}),
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        self.assertEqual((response.status, response.getheader("Content-Type")), (200, "text/event-stream"))
        connection.sock.close()
        connection.close()
        deadline = time.monotonic() + 20
        while self.served.worker.scheduler.pending and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(self.served.worker.scheduler.pending, 0)
        self.assertLess(self.served.worker.scheduler.forward_count, 200)

    def test_several_prompts_times_n_choices(self) -> None:
        other = TOK.encode("<|user|>stop\n<|assistant|>", False)
        status, body = self.served.json("POST", "/v1/completions", {"prompt": [PROMPT, other], "n": 2, "max_tokens": 3, "seed": 5,
                                                                    "ignore_eos": True, "return_token_ids": True})
        self.assertEqual(status, 200)
        self.assertEqual([c["index"] for c in body["choices"]], [0, 1, 2, 3])
        self.assertEqual([c["prompt_token_ids"] for c in body["choices"]], [PROMPT, PROMPT, other, other])
        self.assertEqual(body["usage"]["prompt_tokens"], len(PROMPT) + len(other))
        self.assertEqual(body["usage"]["completion_tokens"], 12)

    def test_restore_refuses_a_folder_that_is_not_a_matching_checkpoint(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            status, body = self.served.json("POST", "/restore", {"path": tmp})
            self.assertEqual(status, 400)
            (Path(tmp) / "worker-state.json").write_text(json.dumps({"policyVersion": 3, "lora": True}))
            status, body = self.served.json("POST", "/restore", {"path": tmp})
            self.assertEqual(status, 400)
            self.assertIn("LoRA", body["error"]["message"])
        status, _ = self.served.json("POST", "/checkpoint", {})
        self.assertEqual(status, 400)


if __name__ == "__main__":
    unittest.main()
