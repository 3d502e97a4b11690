"""`--gpus N` and the multi-machine flags: the worker re-runs itself under torchrun.

`python -m rollcall_worker --gpus 4 --model DIR` (or `rollcall worker --gpus 4 …`) execs
`python -m torch.distributed.run --nproc_per_node 4 … -m rollcall_worker --model DIR`, minus the
launcher's own flags, so each rank starts as if the user had typed the torchrun line (which also
works directly). One machine uses torchrun's `--standalone` rendezvous; several name a
rendezvous endpoint every machine reaches and the same `--rdzv-id`, and run the same command on
each (torchrun's c10d rendezvous assigns the machines' ranks; `--node-rank` pins them with a
static one). `--max_restarts 0`: a dead rank ends the worker rather than restarting the group
with the policy it had at start (rank_zero_ops.py). NVLink multicast is switched off in the
environment every rank inherits (ranks.py says why).

torchrun's own flags are spelt with underscores, which every torchrun accepts (torch 1.13 knows
no other spelling).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Mapping

from .ranks import MULTICAST_OFF

LAUNCHER_FLAGS = ("--gpus", "--nnodes", "--node-rank", "--rdzv-endpoint", "--rdzv-id", "--rdzv-backend")


def add_rank_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("several GPUs or machines (learner ranks; trainer/worker/README.md)")
    group.add_argument("--gpus", type=int, default=1, help="learner ranks on this machine, one per GPU (CPU processes with --device cpu); above 1 the worker re-runs itself under torchrun")
    group.add_argument("--nnodes", default="1", help="machines (torchrun --nnodes: a number, or MIN:MAX)")
    group.add_argument("--node-rank", type=int, default=None, help="this machine's rank, for a static rendezvous (torchrun --node_rank)")
    group.add_argument("--rdzv-endpoint", default=None, help="HOST:PORT every machine reaches (torchrun --rdzv_endpoint); required with --nnodes other than 1")
    group.add_argument("--rdzv-id", default="rollcall", help="the same id on every machine of one worker (torchrun --rdzv_id)")
    group.add_argument("--rdzv-backend", default="c10d", help="torchrun --rdzv_backend (c10d, or static with --node-rank)")
    group.add_argument("--collective-timeout-s", type=float, default=600.0, help="a collective that waits longer fails the operation (a rank died or hangs)")
    group.add_argument("--generation-replicas", action=argparse.BooleanOptionalAction, default=True,
                       help="ranks other than 0 serve generation on --port + their local rank (--no-generation-replicas with vLLM/SGLang serving)")


def wants_torchrun(args: argparse.Namespace, env: Mapping[str, str]) -> bool:
    """More than one rank asked for, and not started by torchrun already."""
    launched = "TORCHELASTIC_RUN_ID" in env or "RANK" in env
    return not launched and (args.gpus > 1 or args.nnodes != "1")


def _worker_argv(argv: list[str]) -> list[str]:
    """`argv` without the launcher's flags (`--flag value` and `--flag=value`)."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in LAUNCHER_FLAGS:
            skip = "=" not in arg
            continue
        out.append(arg)
    return out


def torchrun_argv(args: argparse.Namespace, argv: list[str], python: str) -> list[str]:
    if args.nnodes != "1" and not args.rdzv_endpoint:
        raise ValueError("--nnodes other than 1 needs --rdzv-endpoint HOST:PORT (the same on every machine)")
    command = [python, "-m", "torch.distributed.run", f"--nproc_per_node={args.gpus}", f"--nnodes={args.nnodes}", "--max_restarts=0"]
    if args.rdzv_endpoint:
        command += [f"--rdzv_backend={args.rdzv_backend}", f"--rdzv_endpoint={args.rdzv_endpoint}", f"--rdzv_id={args.rdzv_id}"]
    else:
        command.append("--standalone")
    if args.node_rank is not None:
        command.append(f"--node_rank={args.node_rank}")
    return [*command, "-m", "rollcall_worker", *_worker_argv(argv)]


def launch_env(env: Mapping[str, str]) -> dict[str, str]:
    return {**env, **MULTICAST_OFF}


def relaunch_under_torchrun(args: argparse.Namespace, argv: list[str]) -> int:
    """Replaces this process with torchrun (signals sent to it reach torchrun, which stops the ranks)."""
    try:
        command = torchrun_argv(args, argv, sys.executable)
    except ValueError as error:
        print(f"rollcall_worker: {error}", file=sys.stderr)
        return 2
    print(f"rollcall_worker: {args.gpus} ranks on this machine: {' '.join(command)}", file=sys.stderr, flush=True)
    os.execve(sys.executable, command, launch_env(os.environ))
    return 0  # not reached: execve does not return
