"""This process's place among the learner ranks, and the process groups they talk through.

* the default group carries tensors (gradients, weights): NCCL between GPUs, gloo between CPU
  processes, with `--collective-timeout-s` as its time-out, so a rank that stops answering fails
  the step instead of hanging it;
* `objects`: gloo, same time-out, for Python objects inside a command (samples, metrics);
* `idle`: gloo with a time-out of days, used only by the other ranks waiting for rank 0's next
  command, since the time between two training steps (rollouts) has no useful bound.

NCCL's NVLink multicast (NVLS) is switched off before NCCL starts (`NCCL_NVLS_ENABLE=0`, and
PyTorch's symmetric-memory multicast with it): it speeds up large all-reduces, which the worker
barely runs, and on shared or virtualised hosts a process that dies holding multicast objects can
leave the host's GPUs unusable for everyone else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist

IDLE_TIMEOUT = timedelta(days=7)
MULTICAST_OFF = {"NCCL_NVLS_ENABLE": "0", "TORCH_SYMM_MEM_DISABLE_MULTICAST": "1"}


@dataclass(frozen=True)
class Ranks:
    rank: int
    world_size: int
    local_rank: int
    device: torch.device
    backend: str
    objects: dist.ProcessGroup
    idle: dist.ProcessGroup

    @property
    def is_leader(self) -> bool:
        return self.rank == 0


def rank_device(flag: str, local_rank: int) -> torch.device:
    """`--device` for one of several ranks: each rank takes the GPU of its local rank."""
    if flag == "cpu" or (flag == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    if flag in ("auto", "cuda"):
        return torch.device("cuda", local_rank)
    raise ValueError(f"--device {flag}: with several ranks each takes cuda:LOCAL_RANK; pass auto, cuda or cpu")


def join_ranks(
    rank: int, world_size: int, local_rank: int, device: torch.device, timeout_s: float, init_method: str = "env://"
) -> Ranks:
    """Joins the process group (all ranks call this together)."""
    for name, value in MULTICAST_OFF.items():
        os.environ.setdefault(name, value)
    backend = "nccl" if device.type == "cuda" else "gloo"
    if device.type == "cuda":
        torch.cuda.set_device(device)
    timeout = timedelta(seconds=timeout_s)
    dist.init_process_group(backend, init_method=init_method, rank=rank, world_size=world_size, timeout=timeout)
    objects = dist.new_group(backend="gloo", timeout=timeout)
    idle = dist.new_group(backend="gloo", timeout=IDLE_TIMEOUT)
    return Ranks(rank, world_size, local_rank, device, backend, objects, idle)


def ranks_from_env(device_flag: str, timeout_s: float) -> Ranks | None:
    """The ranks torchrun describes in the environment; None for a single process."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return None
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = rank_device(device_flag, local_rank)
    return join_ranks(int(os.environ["RANK"]), world_size, local_rank, device, timeout_s)
