"""`python -m rollcall_worker --model DIR [...]` (with PYTHONPATH=trainer/worker).

Loads the model, optionally restores `--resume DIR`, starts the generation scheduler and serves
HTTP until SIGTERM/SIGINT, then stops the server and the scheduler.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import torch

from . import __version__
from .distributed.launch import add_rank_flags, relaunch_under_torchrun, wants_torchrun
from .distributed.ranks import ranks_from_env
from .errors import ModelLoadError
from .policy_loading import MODEL_IMPLS, load_policy
from .sampling import LOGPROBS_MODES
from .server import build_server
from .worker import build_worker

log = logging.getLogger("rollcall_worker")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m rollcall_worker", description="rollcall's GPU worker: vLLM-protocol generation and a PPO/GRPO learner on one model.")
    p.add_argument("--model", required=True, help="local Hugging Face model folder (the base model when using LoRA)")
    p.add_argument("--model-impl", choices=MODEL_IMPLS, default="auto",
                   help="auto: the native model for Qwen2/Qwen2.5/Qwen3/Llama configs, transformers otherwise; native; transformers")
    p.add_argument("--served-model-name", default=None, help="model id in /v1/models (default: --model)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--device", default="auto", help="auto (cuda if available), cuda, cuda:N or cpu")
    p.add_argument("--dtype", choices=["bf16", "fp32", "fp16"], default="bf16", help="compute dtype (autocast) on CUDA; CPU always computes in fp32")
    p.add_argument("--master-dtype", choices=["fp32", "bf16"], default="fp32", help="dtype of the trained weights in a full fine-tune")
    p.add_argument("--max-model-len", type=int, default=None, help="context length (default: the model's max_position_embeddings)")
    p.add_argument("--lora-rank", type=int, default=0, help="0 = full fine-tune; >0 = LoRA of this rank (peft)")
    p.add_argument("--lora-alpha", type=int, default=None, help="default: 2 × rank")
    p.add_argument("--lora-dropout", type=float, default=0.0)
    p.add_argument("--lora-target-modules", default="all-linear", help="all-linear or a comma-separated list of module names")
    p.add_argument("--gradient-checkpointing", action="store_true")
    p.add_argument("--weight-decay", type=float, default=0.01, help="AdamW weight decay")
    p.add_argument("--max-num-seqs", type=int, default=64, help="sequences per generation step")
    p.add_argument("--max-batch-tokens", type=int, default=131072, help="padded tokens per forward: the prefill of newly admitted prompts (KV cache), or the whole batch (no cache)")
    p.add_argument("--kv-cache-tokens", type=int, default=None,
                   help="native model: tokens the KV cache holds (requests wait when it is full); default: room for "
                        "--max-num-seqs × --max-model-len, at most 2 GiB on CPU or a quarter of free GPU memory; 0: no cache")
    p.add_argument("--cuda-graphs", action=argparse.BooleanOptionalAction, default=True,
                   help="native model on CUDA: replay decode steps as CUDA graphs (default; --no-cuda-graphs decodes eagerly)")
    p.add_argument("--logprobs-mode", choices=LOGPROBS_MODES, default="sampling", help="sampling: log softmax(logits/T) before top-k/top-p; processed: after (vLLM processed_logprobs)")
    p.add_argument("--resume", default=None, help="a checkpoint folder written by POST /checkpoint")
    p.add_argument("--log-level", default="INFO")
    add_rank_flags(p)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    rank = f"rank{os.environ['RANK']} " if "RANK" in os.environ else ""
    logging.basicConfig(level=args.log_level.upper(), format=f"%(asctime)s %(levelname)s {rank}%(name)s: %(message)s", stream=sys.stderr)
    if wants_torchrun(args, os.environ):
        return relaunch_under_torchrun(args, argv)
    ranks = ranks_from_env(args.device, args.collective_timeout_s)
    if ranks is not None:
        device = ranks.device
    else:
        device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else ("cpu" if args.device == "auto" else args.device))
    log.info("rollcall-worker %s: loading %s on %s", __version__, args.model, device)
    try:
        policy, tokenizer = load_policy(
            args.model, args.model_impl, device, args.dtype, args.master_dtype, args.lora_rank, args.lora_alpha, args.lora_dropout,
            args.lora_target_modules, args.max_model_len, args.gradient_checkpointing,
        )
    except ModelLoadError as error:
        log.error("%s", error)
        return 2
    except ImportError as error:
        log.error("the transformers path needs transformers (and peft for --lora-rank): %s", error)
        return 2
    if ranks is not None:
        from .distributed.serve_ranks import serve_ranks

        return serve_ranks(args, policy, tokenizer, ranks)
    worker = build_worker(policy, tokenizer, args.served_model_name or args.model, args.max_num_seqs,
                          args.max_batch_tokens, args.logprobs_mode, args.weight_decay, args.kv_cache_tokens,
                          args.cuda_graphs)
    if args.resume:
        state = worker.ops.restore(Path(args.resume))
        log.info("resumed from %s: policy version %d", args.resume, state["policyVersion"])
    server = build_server(worker, args.host, args.port)
    worker.scheduler.start()

    def shut_down(signum: int, _frame: object) -> None:
        log.info("signal %d: shutting down", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    host, port = server.server_address[:2]
    log.info("serving %s on http://%s:%d (max_model_len %d)", worker.served_name, host, port, policy.max_model_len)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        worker.scheduler.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
