"""Several learner ranks behind one worker: `torchrun --nproc-per-node N -m rollcall_worker`.

* `launch.py`: `--gpus N` / `--nnodes …` re-run the worker under torchrun (NVLink multicast off).
* `ranks.py`: joins the process group (NCCL on GPUs, gloo on CPUs) and the two gloo side groups.
* `rank_worker.py`: each rank's worker — the trained model (FSDP2-sharded where torch has
  `fully_shard`, else whole) and the generation replica's weights.
* `token_split.py`, `commands.py`, `rank_zero_ops.py`, `follower.py`: rank 0 serves the HTTP API
  and hands every learner operation to all ranks; the others run it and serve generation only.
* `reduce_broadcast.py`, `fsdp2.py`: the two `StepSync` strategies (rollcall_worker/step_sync.py).
* `serve_ranks.py`: the multi-rank `main`, with the failure policy (a lost rank ends the worker).
"""
