"""serve's HTTP service: the answers the trainer relies on, failures reported with where they
happened, and many rollouts at once in one process."""

import asyncio
import socket
import threading
import time
import unittest

from rollcall import JudgeOutput, WorkflowOutput
from service_fixture import Client, judge_body, start, workflow_body

# Generous: a barrier only times out when the calls it waits for never run at the same time.
BARRIER_TIMEOUT_S = 60


class ServiceTest(unittest.TestCase):
    def serve(self, workflow=None, judge=None) -> Client:
        service, client = start(workflow, judge)
        self.addCleanup(service.stop)
        self.service = service
        return client

    def test_workflow_gets_typed_arguments_and_its_output_is_sent_camel_case(self):
        seen = {}

        def workflow(task, model, auxiliary_models):
            seen.update(task=task, model=model, auxiliary=auxiliary_models)
            return WorkflowOutput(response="r", final_answer="18", metrics={"agent/turns": 2})

        status, body = self.serve(workflow).post("/workflow", workflow_body())
        self.assertEqual((status, body), (200, {"response": "r", "finalAnswer": "18", "metrics": {"agent/turns": 2}}))
        self.assertEqual((seen["task"].id, seen["task"].index, seen["task"].reference_answer), ("gsm8k-7", 7, "#### 18"))
        self.assertEqual(seen["model"].as_oai_baseurl_apikey(), ("http://127.0.0.1:9/v1", "rk-secret"))
        self.assertEqual((seen["model"].model_name, seen["model"].rollout_id, seen["model"].attempt), ("policy", "ro_1", 2))
        self.assertEqual(seen["auxiliary"]["judge"].as_oai_baseurl_apikey().base_url, "http://aux/v1")
        self.assertNotIn("rk-secret", repr(seen["model"]), "the key stays out of reprs and tracebacks")

    def test_a_raise_is_a_500_with_the_users_traceback(self):
        def workflow(task, model, auxiliary_models):
            return {"response": str(1 / 0)}

        status, body = self.serve(workflow).post("/workflow", workflow_body())
        self.assertEqual(status, 500)
        self.assertEqual(body["error"]["type"], "raised")
        self.assertEqual(body["error"]["message"], "ZeroDivisionError: division by zero")
        self.assertIn('return {"response": str(1 / 0)}', body["error"]["traceback"])
        self.assertNotIn("rollcall/invoke.py", body["error"]["traceback"], "rollcall's own frames are left out")

    def test_a_plain_function_that_hangs_is_answered_504_with_the_line_it_hangs_on(self):
        release = threading.Event()
        self.addCleanup(release.set)

        def workflow(task, model, auxiliary_models):
            release.wait()  # the hanging line
            return WorkflowOutput(response="late")

        status, body = self.serve(workflow).post("/workflow", workflow_body(), timeout_ms=200)
        self.assertEqual(status, 504)
        self.assertEqual(body["error"]["type"], "timeout")
        self.assertIn("did not finish within 200 ms", body["error"]["message"])
        self.assertIn("release.wait()  # the hanging line", body["error"]["traceback"])

    def test_an_async_function_that_hangs_is_cancelled_and_reported_with_its_await_chain(self):
        cancelled = threading.Event()

        async def step_that_hangs():
            try:
                await asyncio.sleep(3600)  # stuck here
            except asyncio.CancelledError:
                cancelled.set()
                raise

        async def workflow(task, model, auxiliary_models):
            await step_that_hangs()

        status, body = self.serve(workflow).post("/workflow", workflow_body(), timeout_ms=200)
        self.assertEqual((status, body["error"]["type"]), (504, "timeout"))
        self.assertIn("await step_that_hangs()", body["error"]["traceback"])
        self.assertIn("await asyncio.sleep(3600)  # stuck here", body["error"]["traceback"])
        self.assertTrue(cancelled.wait(BARRIER_TIMEOUT_S), "the hung coroutine was cancelled")

    def test_a_closed_request_cancels_its_async_function(self):
        started, cancelled = threading.Event(), threading.Event()

        async def workflow(task, model, auxiliary_models):
            started.set()
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                cancelled.set()
                raise

        client = self.serve(workflow)
        connection = client.connection()
        connection.request("POST", "/workflow", body=__import__("json").dumps(workflow_body()).encode(),
                           headers={"content-type": "application/json"})
        self.assertTrue(started.wait(BARRIER_TIMEOUT_S))
        connection.sock.shutdown(socket.SHUT_RDWR)  # the trainer's run timed out or was cancelled
        connection.close()
        self.assertTrue(cancelled.wait(BARRIER_TIMEOUT_S))
        self.assertEqual(client.get("/stats")[1]["workflow"]["inFlight"], 0)

    def test_bad_output_bad_json_and_unserved_functions_are_answered_not_crashes(self):
        outputs = iter([{"final_answer": "18"}, WorkflowOutput(response=42), WorkflowOutput(reward=float("nan")), WorkflowOutput()])
        client = self.serve(lambda task, model, aux: next(outputs))
        expected = ["'final_answer' (did you mean 'finalAnswer'?)", "response=42, not a str", "reward is nan", "no response, final_answer or reward"]
        for hint in expected:
            status, body = client.post("/workflow", workflow_body())
            self.assertEqual((status, body["error"]["type"]), (500, "bad_output"), hint)
            self.assertIn(hint, body["error"]["message"])
        self.assertEqual(client.post("/workflow", b"{not json")[0], 400)
        self.assertEqual(client.post("/workflow", {"task": {}})[1]["error"]["type"], "bad_request")
        self.assertEqual(client.post("/judge", judge_body())[1]["error"]["type"], "not_served")
        self.assertEqual(client.get("/stats")[1]["workflow"]["failed"], 6, "4 bad outputs and 2 bad requests")
        self.assertEqual(client.post("/workflow", workflow_body())[1]["error"]["message"], "StopIteration", "still serving after all of that")

    def test_sys_exit_in_a_function_is_its_report_not_the_end_of_the_service(self):
        import sys

        async def judge(task, response, auxiliary_models):
            sys.exit("judge gave up")

        client = self.serve(lambda task, model, aux: sys.exit(3), judge)
        self.assertEqual(client.post("/workflow", workflow_body())[1]["error"]["message"], "SystemExit: 3")
        self.assertEqual(client.post("/judge", judge_body())[1]["error"]["message"], "SystemExit: judge gave up")
        self.assertEqual(client.get("/stats")[1]["judge"]["calls"], 1)

    def test_the_judge_gets_the_workflow_output_and_the_recorded_calls_when_it_asks(self):
        call = {"seq": 0, "completionText": "x", "toolCalls": [{"name": "execute_python_code", "arguments": '{"code": "1+1"}'}],
                "flags": {"malformedToolCall": True}, "finishReason": "tool_calls"}

        async def judge(task, response, auxiliary_models, calls):
            code = calls[0].tool_calls[0].parsed_arguments()["code"]
            return JudgeOutput(reward=0.5, metrics={"judge/len": len(code), "judge/malformed": float(calls[0].malformed_tool_call),
                                                   "judge/boxed": float(response.graded_text == "\\boxed{18}")})

        status, body = self.serve(judge=judge).post("/judge", judge_body(calls=[call]))
        self.assertEqual((status, body), (200, {"reward": 0.5, "isSuccess": True, "metrics": {"judge/len": 3, "judge/malformed": 1.0, "judge/boxed": 1.0}}))

    def test_keep_alive_connection_answers_requests_in_order(self):
        client = self.serve(lambda task, model, aux: WorkflowOutput(response=task.query))
        connection = client.connection()
        self.addCleanup(connection.close)
        for query in ("a", "b", "c"):
            self.assertEqual(client.post("/workflow", workflow_body(query), connection=connection), (200, {"response": query}))

    def _run_at_once(self, client: Client, count: int) -> list:
        results = [None] * count

        def post(k: int) -> None:
            results[k] = client.post("/workflow", workflow_body(f"q{k}"))

        threads = [threading.Thread(target=post, args=(k,)) for k in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def test_many_plain_rollouts_run_at_once_in_one_process(self):
        count = 12
        barrier = threading.Barrier(count, timeout=BARRIER_TIMEOUT_S)

        def workflow(task, model, auxiliary_models):
            barrier.wait()  # passes only when all `count` calls are running at the same time
            return WorkflowOutput(response=task.query)

        client = self.serve(workflow)
        results = self._run_at_once(client, count)
        self.assertEqual(sorted(body["response"] for _, body in results), sorted(f"q{k}" for k in range(count)))
        self.assertEqual(client.get("/stats")[1]["workflow"], {"calls": count, "failed": 0, "inFlight": 0, "maxInFlight": count})

    def test_many_async_rollouts_run_at_once_on_the_loop(self):
        count = 12
        arrived = []
        everyone = asyncio.Event()

        async def workflow(task, model, auxiliary_models):
            arrived.append(task.query)
            if len(arrived) == count:
                everyone.set()
            await asyncio.wait_for(everyone.wait(), BARRIER_TIMEOUT_S)
            return WorkflowOutput(response=task.query)

        client = self.serve(workflow)
        results = self._run_at_once(client, count)
        self.assertTrue(all(status == 200 for status, _ in results), results)
        self.assertEqual(client.get("/stats")[1]["workflow"]["maxInFlight"], count)


class BlockedLoopTest(unittest.TestCase):
    def test_a_blocking_call_in_an_async_function_is_named_on_stderr(self):
        import io
        from unittest import mock

        from rollcall.watchdog import LoopWatchdog

        stderr = io.StringIO()

        async def blocks():
            watchdog = LoopWatchdog(asyncio.get_running_loop(), threading.get_ident(), stall_s=0.2, period_s=0.05)
            watchdog.start()
            deadline = time.monotonic() + BARRIER_TIMEOUT_S
            while "blocked" not in stderr.getvalue() and time.monotonic() < deadline:
                time.sleep(0.05)  # the blocking line
            watchdog.stop()

        with mock.patch("sys.stderr", stderr):
            asyncio.run(blocks())
        self.assertIn("the event loop has been blocked", stderr.getvalue())
        self.assertIn("time.sleep(0.05)  # the blocking line", stderr.getvalue())


if __name__ == "__main__":
    unittest.main()
