"""The vLLM protocol subset the proxy's `worker` driver uses, over real HTTP."""

import unittest

from http_fixture import ServedWorker
from tiny_policy import BOS, EOS, CharTokenizer

TOK = CharTokenizer()
PROMPT = TOK.encode("<|user|>what is 2+3?\n<|assistant|>", False)


class InfoRoutesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.served = ServedWorker()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.served.close()

    def test_health_version_models(self) -> None:
        status, body, _ = self.served.request("GET", "/health")
        self.assertEqual((status, body), (200, b""))
        status, version = self.served.json("GET", "/version")
        self.assertTrue(version["version"].startswith("rollcall-worker "))
        status, models = self.served.json("GET", "/v1/models")
        card = models["data"][0]
        self.assertEqual((card["id"], card["max_model_len"], card["owned_by"]), ("tiny", 256, "rollcall"))

    def test_tokenize_prompt_form(self) -> None:
        status, body = self.served.json("POST", "/tokenize", {"prompt": "hi<tool_call>", "add_special_tokens": False})
        self.assertEqual(status, 200)
        self.assertEqual(body, {"count": 3, "max_model_len": 256, "tokens": TOK.encode("hi<tool_call>", False), "token_strs": None})
        _, default = self.served.json("POST", "/tokenize", {"prompt": "hi"})
        self.assertEqual(default["tokens"][0], BOS)  # add_special_tokens defaults to true, as in vLLM

    def test_tokenize_chat_form_parses_tool_call_arguments(self) -> None:
        messages = [
            {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
            {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"x\": 1}"}}]},
            {"role": "tool", "content": "2"},
        ]
        tools = [{"type": "function", "function": {"name": "f"}}]
        status, body = self.served.json("POST", "/tokenize", {"messages": messages, "tools": tools, "add_generation_prompt": True,
                                                             "chat_template_kwargs": {"enable_thinking": False}})
        self.assertEqual(status, 200)
        text = TOK.decode(body["tokens"], False)
        self.assertIn('<tool_call>{"arguments": {"x": 1}, "name": "f"}</tool_call>', text)  # a dict, re-serialised by the template
        self.assertIn("<|user|>a\nb\n", text)
        self.assertTrue(text.endswith("<|assistant|>(no-think)"))
        self.assertNotEqual(body["tokens"][0], BOS)  # the chat form adds no special tokens by default

    def test_tokenize_errors(self) -> None:
        status, body = self.served.json("POST", "/tokenize", {"messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{bad"}}]}]})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["type"], "BadRequestError")
        status, _ = self.served.json("POST", "/tokenize", {})
        self.assertEqual(status, 400)

    def test_detokenize(self) -> None:
        _, body = self.served.json("POST", "/detokenize", {"tokens": TOK.encode("ok<eos>", False)})
        self.assertEqual(body, {"prompt": "ok<eos>"})


class CompletionsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.served = ServedWorker(seed=1)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.served.close()

    def setUp(self) -> None:
        self.served.worker.policy.bias = {}

    def unary(self, **fields):
        body = {"model": "tiny", "prompt": PROMPT, "max_tokens": 12, "temperature": 1.0, "logprobs": 0, "return_token_ids": True, "seed": 42, **fields}
        status, answer = self.served.json("POST", "/v1/completions", body)
        self.assertEqual(status, 200, answer)
        return answer

    def test_unary_shape_and_invariants(self) -> None:
        answer = self.unary(logprobs=2, ignore_eos=True)  # 12 tokens whatever the model samples
        self.assertEqual(answer["object"], "text_completion")
        self.assertTrue(answer["id"].startswith("cmpl-"))
        choice = answer["choices"][0]
        self.assertEqual(set(choice), {"index", "text", "logprobs", "finish_reason", "stop_reason", "token_ids", "prompt_logprobs", "prompt_token_ids"})
        self.assertEqual(choice["prompt_token_ids"], PROMPT)
        ids, lp = choice["token_ids"], choice["logprobs"]
        self.assertEqual(len(ids), 12)
        self.assertEqual(choice["finish_reason"], "length")
        self.assertEqual(len(lp["token_logprobs"]), len(ids))
        self.assertEqual(lp["tokens"], [TOK.token_string(i) for i in ids])
        self.assertTrue(all(1 <= len(m) <= 3 for m in lp["top_logprobs"]))
        self.assertEqual(choice["text"], TOK.decode(ids, True))
        self.assertEqual(answer["usage"], {"prompt_tokens": len(PROMPT), "total_tokens": len(PROMPT) + 12, "completion_tokens": 12, "prompt_tokens_details": None})

    def test_same_seed_same_answer_and_ids_absent_unless_asked(self) -> None:
        a, b = self.unary(), self.unary()
        self.assertEqual(a["choices"][0]["token_ids"], b["choices"][0]["token_ids"])
        plain = self.unary(return_token_ids=False, logprobs=None)["choices"][0]
        self.assertIsNone(plain["token_ids"])
        self.assertIsNone(plain["prompt_token_ids"])
        self.assertIsNone(plain["logprobs"])

    def test_eos_finishes_with_stop_and_is_kept_in_ids_not_text(self) -> None:
        self.served.worker.policy.bias = {EOS: 50.0}
        choice = self.unary()["choices"][0]
        self.assertEqual((choice["finish_reason"], choice["stop_reason"]), ("stop", None))
        self.assertEqual(choice["token_ids"], [EOS])
        self.assertEqual(len(choice["logprobs"]["token_logprobs"]), 1)
        self.assertEqual(choice["logprobs"]["tokens"], ["<eos>"])
        self.assertEqual(choice["text"], "")

    def test_stream_concatenation_equals_unary(self) -> None:
        unary = self.unary(n=2)
        events = self.served.stream({"prompt": PROMPT, "max_tokens": 12, "temperature": 1.0, "logprobs": 0, "return_token_ids": True,
                                     "seed": 42, "n": 2, "stream": True, "stream_options": {"include_usage": True}})
        self.assertEqual(events[-1], "[DONE]")
        usage = events[-2]
        self.assertEqual(usage["choices"], [])
        self.assertEqual(usage["usage"], {k: v for k, v in unary["usage"].items() if k != "prompt_tokens_details"})
        chunks = events[:-2]
        for index, expected in enumerate(unary["choices"]):
            mine = [c["choices"][0] for c in chunks if c["choices"][0]["index"] == index]
            for chunk in chunks:
                self.assertEqual(set(chunk), {"id", "object", "created", "model", "choices", "usage"})
            self.assertEqual(set(mine[0]), {"index", "text", "logprobs", "finish_reason", "stop_reason", "prompt_token_ids", "token_ids"})
            self.assertEqual(mine[0]["prompt_token_ids"], PROMPT)
            self.assertTrue(all(c["prompt_token_ids"] is None for c in mine[1:]))
            self.assertEqual(sum((c["token_ids"] for c in mine), []), expected["token_ids"])
            self.assertEqual(sum((c["logprobs"]["token_logprobs"] for c in mine), []), expected["logprobs"]["token_logprobs"])
            self.assertEqual("".join(c["text"] for c in mine), expected["text"])
            self.assertTrue(all(c["finish_reason"] is None for c in mine[:-1]))
            self.assertEqual(mine[-1]["finish_reason"], expected["finish_reason"])
        self.assertNotEqual(unary["choices"][0]["token_ids"], unary["choices"][1]["token_ids"])

    def test_stop_string_in_unary_and_stream(self) -> None:
        greedy = self.unary(temperature=0.0, max_tokens=20)["choices"][0]["text"]
        stop = greedy[5:7]
        cut = greedy[: greedy.index(stop)]
        choice = self.unary(temperature=0.0, max_tokens=20, stop=[stop])["choices"][0]
        self.assertEqual((choice["text"], choice["finish_reason"], choice["stop_reason"]), (cut, "stop", stop))
        events = self.served.stream({"prompt": PROMPT, "max_tokens": 20, "temperature": 0.0, "stop": stop, "stream": True, "return_token_ids": True})
        self.assertEqual("".join(e["choices"][0]["text"] for e in events[:-1]), cut)
        self.assertEqual(sum((e["choices"][0]["token_ids"] for e in events[:-1]), []), choice["token_ids"])

    def test_context_overflow_is_a_400_naming_the_context_length(self) -> None:
        status, body = self.served.json("POST", "/v1/completions", {"prompt": [5] * 250, "max_tokens": 10})
        self.assertEqual(status, 400)
        self.assertIn("context length", body["error"]["message"])
        self.assertEqual(body["error"]["code"], 400)
        status, body = self.served.json("POST", "/v1/completions", {"prompt": [5] * 250, "max_tokens": 10, "stream": True})
        self.assertEqual(status, 400)

    def test_bad_input(self) -> None:
        cases = [
            ({"prompt": []}, 400, "prompt"),
            ({"prompt": PROMPT, "logprobs": 21}, 400, "logprobs"),
            ({"prompt": PROMPT, "temperature": -1}, 400, "temperature"),
            ({"prompt": PROMPT, "stream_options": {"include_usage": True}}, 400, "stream_options"),
            ({"prompt": [10_000]}, 400, "prompt"),
            ({"prompt": PROMPT, "min_p": 0.1}, 400, "min_p"),
            ({"prompt": PROMPT, "model": "other"}, 404, "model"),
        ]
        for body, status, param in cases:
            got, answer = self.served.json("POST", "/v1/completions", body)
            self.assertEqual((got, answer["error"]["param"]), (status, param), body)
        status, answer = self.served.json("POST", "/nope", {})
        self.assertEqual(status, 404)


if __name__ == "__main__":
    unittest.main()
