#!/usr/bin/env python3
"""GPU smoke run of the Python worker with real transformers/peft, no network, no downloaded weights.

Builds a small random Qwen2 model and a byte-level BPE tokenizer with a ChatML template (tool-call
tags as non-special added tokens) in a temporary folder, then for a full fine-tune and for LoRA:
starts `python -m rollcall_worker`, drives the vLLM subset and the learner routes over HTTP, runs a
short GRPO loop on a dense toy reward and checks the reward rises, and round-trips a checkpoint. Prints one PASS/FAIL line per check and a JSON summary; exits 1 on any failure.

    PYTHONPATH=trainer/worker python3 scripts/worker-gpu-smoke.py [--out DIR] [--bench]

`--bench` adds in-process timings on a random model shaped like Qwen2.5-0.5B (24 layers, hidden
896, vocab 151936): generation steps at 32 sequences and a full-batch training step.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TEMPLATE = (
    "{%- if tools %}<|im_start|>system\n<tools>{% for tool in tools %}\n{{ tool | tojson }}{% endfor %}\n</tools><|im_end|>\n{% endif %}"
    "{%- for m in messages %}<|im_start|>{{ m.role }}\n{% if m.content %}{{ m.content }}{% endif %}"
    "{%- for c in m.tool_calls or [] %}\n<tool_call>\n{\"name\": \"{{ c.function.name }}\", \"arguments\": {{ c.function.arguments | tojson }}}\n</tool_call>{% endfor %}"
    "<|im_end|>\n{% endfor %}{%- if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
RESULTS: dict[str, object] = {"checks": []}


def check(name: str, ok: bool, detail: object = "") -> None:
    RESULTS["checks"].append({"name": name, "ok": bool(ok), "detail": detail})  # type: ignore[union-attr]
    print(f"{'PASS' if ok else 'FAIL'} {name} {detail}", flush=True)


def build_model(folder: Path) -> None:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GenerationConfig, PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    corpus = ["the quick brown fox jumps over the lazy dog 0123456789 say a b c é ü 你好 {\"name\": \"calc\"}"] * 50
    bpe.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=600, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tok.add_tokens(["<tool_call>", "</tool_call>"], special_tokens=False)
    tok.chat_template = TEMPLATE
    tok.save_pretrained(folder)
    torch.manual_seed(0)
    vocab = (len(tok) + 63) // 64 * 64
    config = Qwen2Config(vocab_size=vocab, hidden_size=256, intermediate_size=704, num_hidden_layers=4, num_attention_heads=4,
                         num_key_value_heads=2, max_position_embeddings=2048, tie_word_embeddings=True,
                         eos_token_id=tok.convert_tokens_to_ids("<|im_end|>"), pad_token_id=tok.pad_token_id)
    model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(eos_token_id=[tok.convert_tokens_to_ids("<|im_end|>"), tok.pad_token_id])
    model.save_pretrained(folder)


class Client:
    def __init__(self, port: int) -> None:
        self.port = port

    def call(self, method: str, path: str, body: object = None, timeout: float = 600) -> tuple[int, object]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body), headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            if response.getheader("Content-Type") == "text/event-stream":
                return response.status, [b[6:].decode() for b in data.split(b"\n\n") if b]
            return response.status, (json.loads(data) if data else None)
        finally:
            conn.close()


def start_worker(model: Path, port: int, extra: list[str], log_path: Path) -> subprocess.Popen:
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "rollcall_worker", "--model", str(model), "--port", str(port), "--served-model-name", "tiny-qwen", *extra],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    client = Client(port)
    for _ in range(600):
        try:
            if client.call("GET", "/health")[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"worker did not start; see {log_path}")


def protocol_checks(c: Client, tag: str) -> list[int]:
    status, models = c.call("GET", "/v1/models")
    check(f"{tag}: /v1/models", status == 200 and models["data"][0]["id"] == "tiny-qwen", models)
    messages = [{"role": "user", "content": "say a"},
                {"role": "assistant", "content": "", "tool_calls": [{"id": "1", "type": "function", "function": {"name": "calc", "arguments": "{\"x\": 1}"}}]},
                {"role": "tool", "content": "2"}, {"role": "user", "content": "say a"}]
    status, rendered = c.call("POST", "/tokenize", {"messages": messages, "add_generation_prompt": True, "add_special_tokens": False})
    _, text = c.call("POST", "/detokenize", {"tokens": rendered["tokens"]})
    check(f"{tag}: /tokenize chat form", status == 200 and '"arguments": {"x": 1}' in text["prompt"] and text["prompt"].endswith("assistant\n"), text["prompt"][-60:])
    prompt = rendered["tokens"]
    body = {"model": "tiny-qwen", "prompt": prompt, "max_tokens": 24, "temperature": 1.0, "top_p": 1.0, "logprobs": 0, "return_token_ids": True, "seed": 7, "n": 2}
    status, unary = c.call("POST", "/v1/completions", body)
    choice = unary["choices"][0]
    check(f"{tag}: unary completion", status == 200 and len(choice["token_ids"]) == len(choice["logprobs"]["token_logprobs"]) > 0, choice["finish_reason"])
    status, events = c.call("POST", "/v1/completions", {**body, "stream": True, "stream_options": {"include_usage": True}})
    chunks = [json.loads(e) for e in events[:-1]]
    ids = sum((ch["choices"][0]["token_ids"] for ch in chunks if ch["choices"] and ch["choices"][0]["index"] == 0), [])
    check(f"{tag}: stream equals unary (same seed)", events[-1] == "[DONE]" and ids == choice["token_ids"], (len(ids), len(choice["token_ids"])))
    status, error = c.call("POST", "/v1/completions", {"prompt": prompt, "max_tokens": 4000})
    check(f"{tag}: context overflow 400", status == 400 and "context length" in error["error"]["message"])
    # concurrency: 16 requests at once, time it
    results: list[int] = []
    started = time.perf_counter()
    def one(i: int) -> None:
        _, r = c.call("POST", "/v1/completions", {**body, "n": 1, "seed": i, "max_tokens": 64, "ignore_eos": True})
        results.append(len(r["choices"][0]["token_ids"]))
    threads = [threading.Thread(target=one, args=(i,)) for i in range(16)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    elapsed = time.perf_counter() - started
    check(f"{tag}: 16 concurrent requests", results == [64] * 16, f"{sum(results) / elapsed:.0f} tokens/s")
    RESULTS[f"{tag}_gen_tokens_per_s"] = sum(results) / elapsed
    padded_batch_agreement(c, tag)
    return prompt


def padded_batch_agreement(c: Client, tag: str) -> None:
    """Prompts of different lengths generated concurrently (left-padded batches), then scored by the
    learner (right-padded micro-batches): the logprobs must agree, or padding is mishandled."""
    prompts = [c.call("POST", "/tokenize", {"messages": [{"role": "user", "content": "say a " * k}], "add_generation_prompt": True})[1]["tokens"]
               for k in (1, 7, 19, 40)]
    answers: dict[int, object] = {}
    def one(i: int) -> None:
        answers[i] = c.call("POST", "/v1/completions", {"prompt": prompts[i], "max_tokens": 16 + 8 * i, "seed": i, "logprobs": 0,
                                                       "return_token_ids": True, "ignore_eos": True})[1]
    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    samples = []
    for i, prompt in enumerate(prompts):
        choice = answers[i]["choices"][0]  # type: ignore[index]
        n = len(choice["token_ids"])
        samples.append({"tokens": prompt + choice["token_ids"], "promptLength": len(prompt), "lossMask": [0] * len(prompt) + [1] * n,
                        "logprobs": [0.0] * len(prompt) + choice["logprobs"]["token_logprobs"], "advantages": [0.0] * len(prompt) + [0.0] * n})
    samples[0]["advantages"][-1] = 1.0
    status, result = c.call("POST", "/train/step", {"samples": samples, "hyper": {"lr": 1e-12, "microBatchSize": 3}})
    metrics = result["metrics"]
    check(f"{tag}: padded-batch generation agrees with the learner", status == 200 and metrics["learner/logprob_diff_max"] < 0.05,
          f"mean |Δ| {metrics['learner/logprob_diff_mean']:.2e}, max {metrics['learner/logprob_diff_max']:.2e}")


def grpo_loop(c: Client, prompt: list[int], tag: str, steps: int, lr: float, kl: float, min_gain: float) -> None:
    """GRPO on a toy reward: the share of an 8-token completion drawn from 16 target ids (≈2.5% for
    the random model, so most groups of 8 still have some signal)."""
    rewards, diffs, times = [], [], []
    for step in range(steps):
        _, answer = c.call("POST", "/v1/completions", {"prompt": prompt, "max_tokens": 8, "n": 8, "temperature": 1.0, "logprobs": 0,
                                                     "return_token_ids": True, "seed": 1000 * step, "ignore_eos": True})
        outs = [(ch["token_ids"], ch["logprobs"]["token_logprobs"]) for ch in answer["choices"]]
        r = [sum(100 <= t < 116 for t in ids) / len(ids) for ids, _ in outs]
        mean, std = statistics.mean(r), statistics.pstdev(r)
        samples = []
        for (ids, lps), reward in zip(outs, r):
            adv = (reward - mean) / (std + 1e-6)
            samples.append({"tokens": prompt + ids, "promptLength": len(prompt), "lossMask": [0] * len(prompt) + [1] * len(ids),
                            "logprobs": [0.0] * len(prompt) + lps, "advantages": [0.0] * len(prompt) + [adv] * len(ids),
                            "sampling": {"temperature": 1.0, "topP": 1.0, "topK": 0}})
        status, result = c.call("POST", "/train/step", {"samples": samples, "hyper": {"lr": lr, "klCoef": kl, "microBatchSize": 4}})
        if status != 200:
            check(f"{tag}: train step {step}", False, result)
            return
        rewards.append(mean)
        diffs.append(result["metrics"]["learner/logprob_diff_max"])
        times.append(result["metrics"]["learner/step_time_s"])
    RESULTS[f"{tag}_rewards"] = rewards
    RESULTS[f"{tag}_logprob_diff_max"] = diffs
    RESULTS[f"{tag}_last_metrics"] = result["metrics"]
    check(f"{tag}: reward rises under GRPO", statistics.mean(rewards[-5:]) > statistics.mean(rewards[:5]) + min_gain,
          f"first5 {statistics.mean(rewards[:5]):.2f} last5 {statistics.mean(rewards[-5:]):.2f}")
    check(f"{tag}: engine/learner logprob agreement (bf16)", max(diffs) < 0.1, f"max |Δ| {max(diffs):.4f}, step {statistics.mean(times):.3f}s")
    check(f"{tag}: policy version", result.get("policyVersion") is not None, result.get("policyVersion"))


def checkpoint_round_trip(c: Client, prompt: list[int], folder: Path, tag: str) -> None:
    body = {"prompt": prompt, "max_tokens": 8, "seed": 3, "logprobs": 0, "return_token_ids": True}
    _, before = c.call("POST", "/v1/completions", body)
    status, saved = c.call("POST", "/checkpoint", {"path": str(folder)})
    check(f"{tag}: checkpoint", status == 200 and (folder / "worker-state.json").is_file(), sorted(p.name for p in folder.iterdir()))
    sample = {"tokens": prompt + before["choices"][0]["token_ids"], "promptLength": len(prompt), "lossMask": [0] * len(prompt) + [1] * 8,
              "logprobs": [0.0] * len(prompt) + before["choices"][0]["logprobs"]["token_logprobs"], "advantages": [0.0] * len(prompt) + [1.0] * 8}
    c.call("POST", "/train/step", {"samples": [sample], "hyper": {"lr": 1e-2}})
    status, restored = c.call("POST", "/restore", {"path": str(folder)})
    _, after = c.call("POST", "/v1/completions", body)
    same = after["choices"][0]["token_ids"] == before["choices"][0]["token_ids"]
    close = max(abs(a - b) for a, b in zip(after["choices"][0]["logprobs"]["token_logprobs"], before["choices"][0]["logprobs"]["token_logprobs"]))
    check(f"{tag}: restore round trip", status == 200 and restored["policyVersion"] == saved["policyVersion"] and same and close < 1e-3, f"max |Δlogprob| {close:.2e}")


def run_variant(model: Path, tmp: Path, tag: str, extra: list[str], lr: float, port: int, min_gain: float) -> None:
    proc = start_worker(model, port, extra, tmp / f"{tag}.log")
    try:
        c = Client(port)
        prompt = protocol_checks(c, tag)
        grpo_loop(c, prompt, tag, steps=40, lr=lr, kl=0.001, min_gain=min_gain)
        checkpoint_round_trip(c, prompt, tmp / f"ckpt-{tag}", tag)
        if tag == "full":
            proc.terminate(); proc.wait(30)
            proc = start_worker(model, port, [*extra, "--resume", str(tmp / f"ckpt-{tag}")], tmp / f"{tag}-resume.log")
            _, state = c.call("POST", "/train/step", {"samples": [{"tokens": prompt + [5], "promptLength": len(prompt), "lossMask": [0] * len(prompt) + [1],
                                                                    "logprobs": [0.0] * len(prompt) + [-6.0], "advantages": [0.0] * len(prompt) + [1.0]}], "hyper": {}})
            check(f"{tag}: --resume restores the policy version", state["policyVersion"] == 42, state["policyVersion"])
    finally:
        proc.terminate()
        proc.wait(30)
        RESULTS[f"{tag}_log_tail"] = (tmp / f"{tag}.log").read_text()[-3000:]


def bench(tmp: Path) -> None:
    import queue

    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from rollcall_worker.detokenize import TextTracker
    from rollcall_worker.policy_loading import load_policy
    from rollcall_worker.sampling import SamplingParams, SeededDraws
    from rollcall_worker.sequence import Sequence
    from rollcall_worker.train_request import Hyper, TrainSample
    from rollcall_worker.worker import build_worker

    folder = tmp / "qwen-0.5b-shaped"
    build_model(folder)  # tokenizer files; the model is replaced below
    config = Qwen2Config(vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                         num_key_value_heads=2, max_position_embeddings=4096, tie_word_embeddings=True, eos_token_id=2)
    Qwen2ForCausalLM(config).save_pretrained(folder)
    for lora in (0, 16):
        policy, tok = load_policy(str(folder), "transformers", torch.device("cuda"), "bf16", "fp32", lora, None, 0.0, "all-linear", None, False)
        worker = build_worker(policy, tok, "bench")
        g = torch.Generator().manual_seed(0)
        prompts = [torch.randint(10, 600, (512,), generator=g).tolist() for _ in range(32)]
        events: queue.Queue = queue.Queue()
        seqs = [Sequence(i, p, SamplingParams(max_tokens=128, ignore_eos=True, logprobs=0), SeededDraws(i),
                         TextTracker(tok, p, True), events, tok.eos_token_ids) for i, p in enumerate(prompts)]
        worker.scheduler.submit(seqs)
        worker.scheduler.step()
        torch.cuda.synchronize()
        started = time.perf_counter()
        for _ in range(127):
            worker.scheduler.step()
        torch.cuda.synchronize()
        per_step = (time.perf_counter() - started) / 127
        samples = [TrainSample(s.prompt_ids + s.output_ids, 512, [0] * 512 + [1] * 128, [0.0] * 512 + s.output_logprobs,
                               [0.0] * 512 + [1.0 if i % 2 else -1.0] * 128) for i, s in enumerate(seqs)]
        worker.learner.train_step(samples, Hyper(lr=1e-6, microBatchSize=8))
        metrics = worker.learner.train_step(samples, Hyper(lr=1e-6, microBatchSize=8))
        tag = f"bench_{'lora16' if lora else 'full'}"
        RESULTS[tag] = {"gen_step_ms_32x_640": per_step * 1000, "gen_tokens_per_s": 32 / per_step, **metrics}
        check(f"{tag}: generation 32 seqs, prompt 512, 128 new", True, f"{per_step * 1000:.1f} ms/step, {32 / per_step:.0f} tokens/s")
        check(f"{tag}: train step 32 × 640 tokens", metrics["learner/logprob_diff_max"] < 0.5,
              f"{metrics['learner/step_time_s']:.2f}s, {metrics['learner/tokens_per_s']:.0f} tok/s, {metrics['learner/gpu_mem_gb']:.1f} GB, "
              f"logprob |Δ| mean {metrics['learner/logprob_diff_mean']:.4f} max {metrics['learner/logprob_diff_max']:.3f}")
        del worker, policy
        torch.cuda.empty_cache()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.environ.get("OUT", "."))
    parser.add_argument("--bench", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        model = tmp / "tiny-qwen"
        build_model(model)
        run_variant(model, tmp, "full", [], lr=1e-3, port=8123, min_gain=0.3)
        # LoRA learns this toy more slowly: peft's "all-linear" leaves the tied embedding/LM head alone,
        # and the random model's hidden states must be rotated towards the target rows instead.
        run_variant(model, tmp, "lora", ["--lora-rank", "16"], lr=1e-2, port=8124, min_gain=0.05)
        if args.bench:
            bench(tmp)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "worker-gpu-smoke.json").write_text(json.dumps(RESULTS, indent=1))
    failed = [c for c in RESULTS["checks"] if not c["ok"]]  # type: ignore[union-attr]
    print(f"{len(RESULTS['checks']) - len(failed)} passed, {len(failed)} failed")  # type: ignore[arg-type]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
