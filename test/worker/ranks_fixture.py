"""Runs a function on several gloo ranks of the tiny model, each a forked process on this machine.

`run_ranks(n, fn, *args)` forks n processes that join one process group over loopback TCP and call
`fn(ranks, *args)`; it returns each rank's result (or raises with the rank's traceback). The
children are forked from a fork server (a fresh interpreter that imported torch and the worker
once), not from the test process: they start in milliseconds instead of importing torch again, and
they do not inherit the test process's autograd engine, whose device threads (started by any
backward pass on a machine with a GPU) make a forked child's backward fail ("Unable to handle
autograd's threading in combination with fork-based multiprocessing"). `fn` and its arguments are
pickled, so they must be module-level. `start_ranks` leaves the ranks running (for HTTP tests)
and returns the processes.
"""

from __future__ import annotations

import multiprocessing
import pickle
import socket
import traceback
from typing import Any, Callable

from rollcall_worker.distributed.ranks import Ranks, join_ranks

JOIN_TIMEOUT_S = 120.0
_fork = multiprocessing.get_context("forkserver")
_fork.set_forkserver_preload(["torch", "rollcall_worker.worker", "worker_fixture"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_pair() -> int:
    """A port P with P + 1 also free (rank 0 serves on P, rank 1's replica on P + 1)."""
    for _ in range(100):
        first, second = socket.socket(), socket.socket()
        try:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            second.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
        finally:
            first.close()
            second.close()
    raise RuntimeError("no two consecutive free ports on 127.0.0.1")


def _child(rank: int, world_size: int, port: int, timeout_s: float, results: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    import torch

    torch.set_num_threads(1)
    try:
        ranks = join_ranks(rank, world_size, rank, torch.device("cpu"), timeout_s, init_method=f"tcp://127.0.0.1:{port}")
        # Pickled here: the queue's own pickler would share tensors through file descriptors that
        # die with this process.
        results.put((rank, True, pickle.dumps(fn(ranks, *args))))
    except BaseException:  # noqa: BLE001 — the parent re-raises it with the rank's traceback
        results.put((rank, False, traceback.format_exc()))
        traceback.print_exc()  # also for tests that never read `results` (the HTTP ones)


def start_ranks(world_size: int, fn: Callable[..., Any], *args: Any, timeout_s: float = 60.0) -> tuple[list[Any], Any]:
    results = _fork.Queue()
    port = free_port()
    processes = [_fork.Process(target=_child, args=(r, world_size, port, timeout_s, results, fn, args), daemon=True) for r in range(world_size)]
    for process in processes:
        process.start()
    return processes, results


def stop_ranks(processes: list[Any]) -> None:
    for process in processes:
        if process.is_alive():
            process.kill()
        process.join(timeout=10)


def run_ranks(world_size: int, fn: Callable[[Ranks], Any], *args: Any, timeout_s: float = 60.0) -> list[Any]:
    processes, results = start_ranks(world_size, fn, *args, timeout_s=timeout_s)
    try:
        out: dict[int, Any] = {}
        for _ in range(world_size):
            rank, ok, value = results.get(timeout=JOIN_TIMEOUT_S)
            if not ok:
                raise AssertionError(f"rank {rank} failed:\n{value}")
            out[rank] = pickle.loads(value)
        return [out[r] for r in range(world_size)]
    finally:
        stop_ranks(processes)
