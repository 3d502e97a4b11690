#!/usr/bin/env python3
"""The FSDP2 learner ranks on a machine with PyTorch ≥ 2.6, transformers and peft, and one GPU.

    PYTHONPATH=trainer/worker:test/worker python3 scripts/gpu-multi/check_ranks.py --out OUT/checks.json

1. `nccl`: one rank on NCCL with FSDP2 (`fully_shard` over the decoder layers of a random Qwen2)
   against the one-GPU learner, with the native model (the default) and with transformers, full
   fine-tune and LoRA, fp32 (must agree to rounding) and bf16 (where the native serving copy's
   bf16 generation twin must follow each step):
   the same step (metrics, weights), a sharded checkpoint restored by the one-GPU worker, a
   one-GPU checkpoint restored into the shards (AdamW's moments included), then more steps.
2. `torchrun`: `python -m rollcall_worker --gpus 2 --device cpu` — the launcher, two gloo ranks
   with FSDP2 behind HTTP: rank 0's API, rank 1's generation replica with the same logprobs and
   policy version after a step and after a restore, NVLink multicast off in the ranks'
   environment, and a rank killed with SIGKILL ending the whole worker.

Prints one PASS/FAIL line per check, writes them with the measured numbers to --out, exits 1 on
any failure. Several GPUs are not needed (and the 2-GPU NCCL run is the part still to do).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from http_fixture import call_json  # test/worker, on PYTHONPATH as the usage line says

RESULTS: dict[str, object] = {"checks": []}
ROOT = Path(__file__).resolve().parents[2]


def check(name: str, ok: bool, detail: object = "") -> None:
    RESULTS["checks"].append({"name": name, "ok": bool(ok), "detail": detail})  # type: ignore[union-attr]
    print(f"{'PASS' if ok else 'FAIL'} {name} {detail}", flush=True)


def build_model(folder: Path) -> None:
    """The random Qwen2 and BPE tokenizer of scripts/worker-gpu-smoke.py."""
    spec = importlib.util.spec_from_file_location("worker_gpu_smoke", ROOT / "scripts" / "worker-gpu-smoke.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.build_model(folder)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def update_error(got: dict, want: dict, start: dict) -> float:
    """The largest per-tensor ‖got − want‖ / ‖want − start‖ (test/worker/test_ranks_learning.py
    says why weights are compared against the update, not element by element)."""
    worst = 0.0
    for name, value in want.items():
        update = float((value - start[name]).norm())
        if update > 0:
            worst = max(worst, float((got[name] - value).norm()) / update)
    return worst


def weights(policy) -> dict:
    return {name: value.detach().float().cpu().clone() for name, value in policy.module.state_dict().items()}


# ---------------------------------------------------------------------------------------------- nccl

KV_CACHE_TOKENS = 16384
"""The native workers' KV cache: small and fixed, since several workers live at once here (the
default takes a quarter of the free memory each)."""


def twin_gap(policy) -> float:
    """How far the logits of the generation twin in use (`native/generation_weights.py`) are
    from those of a twin built now from the master weights: 0 when it followed every update."""
    import torch

    from rollcall_worker.native.generation_weights import GenerationWeights
    from rollcall_worker.native.model import AttentionPlan

    ids = torch.arange(1, 33, device=policy.device).unsqueeze(0)
    mask = torch.ones_like(ids)
    with torch.no_grad(), torch.autocast("cuda", dtype=policy.compute_dtype):
        run = [model(ids, mask.cumsum(1) - 1, AttentionPlan.padded(mask)).float()
               for model in (policy.generation_model(), GenerationWeights(policy.lm, policy.compute_dtype).current())]
    return float((run[0] - run[1]).abs().max())


def nccl(model: Path, tmp: Path) -> None:
    import torch

    from rollcall_worker.checkpoint import restore_checkpoint, save_checkpoint
    from rollcall_worker.distributed.rank_worker import build_rank_worker
    from rollcall_worker.distributed.ranks import join_ranks
    from rollcall_worker.policy_loading import load_policy
    from rollcall_worker.train_request import Hyper
    from rollcall_worker.worker import build_worker
    from worker_fixture import as_sample, generate_together

    device = torch.device("cuda", 0)
    ranks = join_ranks(0, 1, 0, device, 120.0, init_method=f"tcp://127.0.0.1:{free_port()}")
    check("nccl: one rank joined", ranks.backend == "nccl" and os.environ.get("NCCL_NVLS_ENABLE") == "0", ranks.backend)
    first = Hyper(lr=1e-3, microBatchSize=2, gradClip=0.5, klCoef=0.01, entropyCoef=0.01, ppoEpochs=2)
    second = Hyper(lr=5e-4, microBatchSize=3)
    prompts = ["the quick brown fox", "say a b c", "0123456789", "the lazy dog jumps", "你好 say"]
    runs = [(impl, lora, dtype, tolerance) for impl in ("native", "transformers")
            for lora, dtype, tolerance in ((0, "fp32", 1e-3), (8, "fp32", 1e-3), (0, "bf16", 0.05))]
    for impl, lora, dtype, tolerance in runs:
        tag = f"nccl {impl} {'lora8' if lora else 'full'} {dtype}"

        def load():
            torch.manual_seed(1234)  # peft and the native LoRA draw A matrices from the global generator
            return load_policy(str(model), impl, device, dtype, "fp32", lora, None, 0.0, "all-linear", None, False)

        policy, tok = load()
        single = build_worker(policy, tok, "single", kv_cache_tokens=KV_CACHE_TOKENS)
        sequences = generate_together(single, [(p, 6 + 4 * i) for i, p in enumerate(prompts)], seed=5, temperature=0.9)
        samples = [as_sample(s, a) for s, a in zip(sequences, (1.0, -0.5, 0.8, -1.0, 0.4))]
        sharded = build_rank_worker(load()[0], tok, "fsdp", ranks, kv_cache_tokens=KV_CACHE_TOKENS, sharded=True)
        check(f"{tag}: FSDP2 strategy", sharded.learner.sync.name == "fsdp2", sharded.learner.sync.name)
        start = weights(single.policy)
        want = single.learner.train_step(samples, first)
        got = sharded.ops.train(samples, first)
        error = update_error(weights(sharded.policy), weights(single.policy), start)
        loss_gap = abs(got["learner/loss"] - want["learner/loss"])
        check(f"{tag}: one step equals the one-GPU step", error < tolerance and loss_gap < tolerance,
              f"weights off by {error:.2e} of the update, |Δloss| {loss_gap:.2e}, grad_norm {got['learner/grad_norm']:.4f} vs {want['learner/grad_norm']:.4f}")
        RESULTS[f"{tag} step"] = {"fsdp2": got, "one_gpu": want}
        if impl == "native" and dtype == "bf16":
            gap = twin_gap(sharded.policy)
            check(f"{tag}: the serving copy's bf16 generation twin follows the step", gap == 0.0, f"max |Δlogit| {gap:.2e}")
        fsdp_ckpt, single_ckpt = tmp / f"{tag}-fsdp".replace(" ", "-"), tmp / f"{tag}-single".replace(" ", "-")
        sharded.ops.checkpoint(fsdp_ckpt)
        fresh = build_worker(load()[0], tok, "fresh", kv_cache_tokens=KV_CACHE_TOKENS)
        restore_checkpoint(fsdp_ckpt, fresh.policy, fresh.learner)
        exact = all(torch.equal(a, b) for a, b in zip(weights(fresh.policy).values(), weights(sharded.policy).values()))
        moments = fresh.learner.optimizer.state_dict()["state"]
        own = single.learner.optimizer.state_dict()["state"]
        moment_gap = max(float((moments[i]["exp_avg"] - own[i]["exp_avg"]).abs().max()) for i in own)
        check(f"{tag}: the sharded checkpoint restores on one GPU", exact and sorted(moments) == sorted(own),
              f"{len(moments)} AdamW entries, max |Δexp_avg| {moment_gap:.2e} against the one-GPU run")
        after_first = weights(single.policy)
        single.learner.train_step(samples[1:], second)
        sharded.ops.train(samples[1:], second)
        fresh.learner.train_step(samples[1:], second)
        error = update_error(weights(sharded.policy), weights(single.policy), after_first)
        error_fresh = update_error(weights(fresh.policy), weights(single.policy), after_first)
        check(f"{tag}: a second step still agrees (sharded, and restored on one GPU)", error < tolerance and error_fresh < tolerance,
              f"{error:.2e} / {error_fresh:.2e} of the update")
        save_checkpoint(single_ckpt, single.policy, tok, single.learner)
        resharded = build_rank_worker(load()[0], tok, "fsdp", ranks, kv_cache_tokens=KV_CACHE_TOKENS, sharded=True)
        resharded.ops.restore(single_ckpt)
        after_second = weights(single.policy)
        single.learner.train_step(samples, second)
        third = resharded.ops.train(samples, second)
        error = update_error(weights(resharded.policy), weights(single.policy), after_second)
        check(f"{tag}: a one-GPU checkpoint restored into the shards trains on identically", error < tolerance and third.get("learner/gpu_mem_gb", 0) > 0,
              f"{error:.2e} of the update, peak {third.get('learner/gpu_mem_gb', 0):.2f} GB")
        del single, sharded, fresh, resharded
        torch.cuda.empty_cache()


# ------------------------------------------------------------------------------------------ torchrun


def wait_health(port: int, proc: subprocess.Popen, seconds: float = 180) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if call_json(port, "GET", "/health", timeout=5)[0] == 200:
                return True
        except OSError:
            time.sleep(0.3)
    return False


def rank_pids() -> dict[int, tuple[int, str]]:
    """{rank: (pid, environment)} of the worker ranks torchrun started (read from /proc)."""
    found: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = (entry / "environ").read_bytes().decode(errors="replace")
        except OSError:
            continue
        variables = dict(v.split("=", 1) for v in environ.split("\0") if "=" in v)
        if "rollcall_worker" in cmdline and "torch.distributed.run" not in cmdline and "RANK" in variables and "TORCHELASTIC_RUN_ID" in variables:
            found[int(variables["RANK"])] = (int(entry.name), environ)
    return found


def sample_from(prompt: list[int], choice: dict, advantage: float) -> dict:
    n = len(choice["token_ids"])
    return {"tokens": prompt + choice["token_ids"], "promptLength": len(prompt), "lossMask": [0] * len(prompt) + [1] * n,
            "logprobs": [0.0] * len(prompt) + choice["logprobs"]["token_logprobs"], "advantages": [0.0] * len(prompt) + [advantage] * n,
            "sampling": {"temperature": 1.0, "topP": 1.0, "topK": 0}}


def torchrun(model: Path, tmp: Path, log_path: Path) -> None:
    port = free_port()
    replica = port + 1
    command = [sys.executable, "-m", "rollcall_worker", "--gpus", "2", "--device", "cpu", "--model", str(model), "--port", str(port),
               "--served-model-name", "tiny-qwen", "--max-model-len", "512", "--collective-timeout-s", "60"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "trainer" / "worker"), "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "2"}
    env.pop("NCCL_NVLS_ENABLE", None)  # the launcher must set it itself
    log = open(log_path, "w")
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        up = wait_health(port, proc) and wait_health(replica, proc)
        check("torchrun: --gpus 2 starts rank 0 and a replica", up, f"{time.monotonic() - started:.1f}s")
        if not up:
            return
        ranks = rank_pids()
        check("torchrun: NVLink multicast off in every rank", len(ranks) == 2 and all("NCCL_NVLS_ENABLE=0" in env for _, env in ranks.values()), sorted(ranks))
        _, policy = call_json(replica, "GET", "/policy")
        check("torchrun: FSDP2 over two ranks", policy == {"policyVersion": 0, "rank": 1, "worldSize": 2, "gradSync": "fsdp2"}, policy)
        _, tokens = call_json(port, "POST", "/tokenize", {"prompt": "the quick brown fox"})
        prompt = tokens["tokens"]
        request = {"prompt": prompt, "max_tokens": 12, "n": 4, "seed": 3, "temperature": 1.0, "logprobs": 0, "return_token_ids": True, "ignore_eos": True}
        _, answer = call_json(port, "POST", "/v1/completions", request)
        samples = [sample_from(prompt, c, a) for c, a in zip(answer["choices"], (1.0, -1.0, 0.5, -0.5))]
        probe = {**request, "n": 1, "seed": 11}
        status, step = call_json(port, "POST", "/train/step", {"samples": samples, "hyper": {"lr": 1e-2, "microBatchSize": 1}}, timeout=300)
        metrics = step.get("metrics", {}) if isinstance(step, dict) else {}
        check("torchrun: a step over two ranks", status == 200 and step["policyVersion"] == 1 and metrics.get("learner/ranks") == 2.0,
              f"logprob |Δ| max {metrics.get('learner/logprob_diff_max', float('nan')):.2e}, {metrics.get('learner/step_time_s', float('nan')):.2f}s")
        versions = [call_json(p, "GET", "/policy")[1]["policyVersion"] for p in (port, replica)]
        one = [call_json(p, "POST", "/v1/completions", probe)[1]["choices"][0] for p in (port, replica)]
        same = one[0]["token_ids"] == one[1]["token_ids"] and one[0]["logprobs"]["token_logprobs"] == one[1]["logprobs"]["token_logprobs"]
        check("torchrun: the replica serves the new weights and version", versions == [1, 1] and same, versions)
        folder = tmp / "torchrun-ckpt"
        status, saved = call_json(port, "POST", "/checkpoint", {"path": str(folder)}, timeout=300)
        files = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
        check("torchrun: checkpoint in the one-GPU layout", status == 200 and {"config.json", "optimizer.pt", "worker-state.json"} <= set(files), files)
        call_json(port, "POST", "/train/step", {"samples": samples, "hyper": {"lr": 1e-2}}, timeout=300)
        status, restored = call_json(port, "POST", "/restore", {"path": str(folder)}, timeout=300)
        back = call_json(replica, "POST", "/v1/completions", probe)[1]["choices"][0]
        check("torchrun: a restore reaches the replica", status == 200 and restored["policyVersion"] == 1 and back["token_ids"] == one[0]["token_ids"]
              and call_json(replica, "GET", "/policy")[1]["policyVersion"] == 1, restored)
        os.kill(rank_pids()[1][0], signal.SIGKILL)
        killed = time.monotonic()
        try:
            outcome: object = call_json(port, "POST", "/train/step", {"samples": samples, "hyper": {"lr": 1e-2}}, timeout=120)
        except OSError as error:
            outcome = f"{type(error).__name__}: {error}"
        try:
            code = proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            code = None
        check("torchrun: a killed rank ends the worker", code is not None and code != 0,
              f"launcher exit {code} after {time.monotonic() - killed:.1f}s; the step after the kill got {str(outcome)[:300]}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, help="JSON file for the checks and numbers")
    parser.add_argument("--only", choices=["nccl", "torchrun"], default=None)
    args = parser.parse_args()
    import torch

    RESULTS["torch"] = torch.__version__
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        model = tmp / "tiny-qwen"
        build_model(model)
        for part, run in (("nccl", lambda: nccl(model, tmp)), ("torchrun", lambda: torchrun(model, tmp, Path(args.out).with_name("torchrun-worker.log")))):
            if args.only in (None, part):
                try:
                    run()
                except Exception as error:  # noqa: BLE001 — one part failing must not hide the other's results
                    check(f"{part}: ran to the end", False, f"{type(error).__name__}: {error}")
                    import traceback

                    traceback.print_exc()
    Path(args.out).write_text(json.dumps(RESULTS, indent=1, default=str))
    failed = [c for c in RESULTS["checks"] if not c["ok"]]  # type: ignore[union-attr]
    print(f"{len(RESULTS['checks']) - len(failed)} passed, {len(failed)} failed")  # type: ignore[arg-type]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
