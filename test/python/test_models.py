"""The standard-library chat client against a proxy-shaped server: what it sends, what it retries."""

import asyncio
import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rollcall import ChatModel, RollcallError, RolloutModel


class FakeProxy(BaseHTTPRequestHandler):
    answers = []  # (status, headers, body) per request, in order
    seen = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        FakeProxy.seen.append((self.path, self.headers["authorization"], body))
        status, headers, answer = FakeProxy.answers.pop(0)
        data = json.dumps(answer).encode()
        self.send_response(status)
        for name, value in {**headers, "content-type": "application/json", "content-length": str(len(data))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


REPLY = {"choices": [{"message": {"role": "assistant", "content": "18", "tool_calls": None}}]}


class ChatTest(unittest.TestCase):
    def setUp(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProxy)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.shutdown)
        FakeProxy.seen.clear()
        self.model = RolloutModel(base_url=f"http://127.0.0.1:{self.server.server_port}/v1", api_key="rk-1", model_name="policy")

    def test_sends_the_rollout_key_model_tools_and_parameters(self):
        FakeProxy.answers = [(200, {}, REPLY)]
        tools = [{"type": "function", "function": {"name": "f", "parameters": {}}}]
        message = self.model.chat([{"role": "user", "content": "q"}], tools=tools, temperature=0.7)
        self.assertEqual(message["content"], "18")
        path, authorization, body = FakeProxy.seen[0]
        self.assertEqual((path, authorization), ("/v1/chat/completions", "Bearer rk-1"))
        self.assertEqual(body, {"model": "policy", "messages": [{"role": "user", "content": "q"}], "temperature": 0.7, "tools": tools})

    def test_retries_only_what_the_proxy_marks_retryable(self):
        paused = {"error": {"message": "paused", "code": "RC_ERR_POLICY_PAUSED"}}
        FakeProxy.answers = [(429, {"x-should-retry": "true"}, paused), (200, {}, REPLY)]
        self.assertEqual(self.model.chat([{"role": "user", "content": "q"}])["content"], "18")
        limit = {"error": {"message": "limit", "code": "RC_ERR_ROLLOUT_CALL_LIMIT"}}
        FakeProxy.answers = [(403, {"x-should-retry": "false"}, limit)]
        with self.assertRaises(RollcallError) as caught:
            self.model.chat([{"role": "user", "content": "q"}])
        self.assertEqual((caught.exception.status, caught.exception.code), (403, "RC_ERR_ROLLOUT_CALL_LIMIT"))
        self.assertEqual(len(FakeProxy.seen), 3)

    def test_achat_leaves_the_event_loop_free(self):
        FakeProxy.answers = [(200, {}, REPLY), (200, {}, REPLY)]

        async def two_at_once():
            return await asyncio.gather(self.model.achat([{"role": "user", "content": "a"}]),
                                        ChatModel("http://127.0.0.1:%d/v1" % self.server.server_port, "ak").achat([{"role": "user", "content": "b"}]))

        self.assertEqual([m["content"] for m in asyncio.run(two_at_once())], ["18", "18"])


if __name__ == "__main__":
    unittest.main()
