"""`main` for one of several learner ranks (started by torchrun, see launch.py).

Rank 0 serves the whole HTTP API on `--port` (generation from its replica, and the learner routes,
which run on every rank); rank k > 0 serves generation only on `--port` + its local rank (any free
port with `--port 0`) unless `--no-generation-replicas`, and otherwise waits for rank 0's commands.

Stopping: SIGTERM/SIGINT on rank 0 abandons the operation in flight with a clear answer
(torchrun sends SIGTERM to every rank once one has died) and stops the server; a normal stop tells
the other ranks to exit. After a failed operation rank 0 exits with status 1 without tearing down
the process group, which could wait on the dead rank (rank_zero_ops.py says why it must stop).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from ..policy_model import PolicyModel, Tokenizer
from ..server import build_server
from ..worker import Worker
from .follower import follow
from .rank_worker import build_rank_worker
from .rank_zero_ops import RankZeroOps
from .ranks import Ranks

log = logging.getLogger("rollcall_worker.ranks")
ANSWER_GRACE_S = 1.0
"""How long a failed operation's answer gets to leave before the server stops."""


def serve_ranks(args: argparse.Namespace, policy: PolicyModel, tokenizer: Tokenizer, ranks: Ranks, sharded: bool | None = None) -> int:
    worker = build_rank_worker(
        policy, tokenizer, args.served_model_name or args.model, ranks, args.max_num_seqs, args.max_batch_tokens,
        args.logprobs_mode, args.weight_decay, args.kv_cache_tokens, args.cuda_graphs, sharded,
    )
    sync = worker.learner.sync
    log.info("learner rank %d of %d on %s (%s): gradients by %s", ranks.rank, ranks.world_size, ranks.device, ranks.backend, sync.name)
    if ranks.is_leader:
        return _lead(worker, ranks, args)
    return _follow(worker, ranks, args)


def _lead(worker: Worker, ranks: Ranks, args: argparse.Namespace) -> int:
    ops = worker.ops
    assert isinstance(ops, RankZeroOps)
    if args.resume:
        state = ops.restore(Path(args.resume))
        log.info("resumed from %s: policy version %d", args.resume, state["policyVersion"])
    server = build_server(worker, args.host, args.port)
    worker.scheduler.start()

    def shut_down(signum: int, _frame: object) -> None:
        log.info("signal %d: shutting down", signum)
        ops.abort(f"the worker was stopped (signal {signum}; torchrun sends it when another rank exited)")
        _stop_later(server, ANSWER_GRACE_S if ops.busy else 0.0)

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    threading.Thread(target=lambda: (ops.failed.wait(), _stop_later(server, ANSWER_GRACE_S)), daemon=True).start()
    host, port = server.server_address[:2]
    log.info("serving %s on http://%s:%d with %d learner ranks (max_model_len %d)", worker.served_name, host, port, ranks.world_size, worker.policy.max_model_len)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        worker.scheduler.stop()
    if ops.failed.is_set():
        _exit_now(1)
    ops.stop_ranks()
    return 0


def _follow(worker: Worker, ranks: Ranks, args: argparse.Namespace) -> int:
    # Ctrl-C reaches every rank of the terminal's process group; rank 0 (or torchrun) stops this
    # one, and a KeyboardInterrupt here would only land after the command that stops it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    server = None
    if args.generation_replicas:
        server = build_server(worker, args.host, args.port + ranks.local_rank if args.port else 0)
        worker.scheduler.start()
        threading.Thread(target=server.serve_forever, name="rollcall-replica", daemon=True).start()
        host, port = server.server_address[:2]
        log.info("rank %d serves generation on http://%s:%d", ranks.rank, host, port)
    code = follow(worker.learner, worker.gate, ranks)
    if server is not None:
        server.shutdown()
        server.server_close()
    worker.scheduler.stop()
    if code != 0:
        _exit_now(code)
    return code


def _stop_later(server: ThreadingHTTPServer, delay_s: float) -> None:
    timer = threading.Timer(delay_s, server.shutdown)
    timer.daemon = True
    timer.start()


def _exit_now(code: int) -> None:
    """Leaves without running finalisers: tearing down a process group whose peer died can block."""
    logging.shutdown()
    os._exit(code)
