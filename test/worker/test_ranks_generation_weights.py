"""On every rank, the native model's generation copy (compute-dtype projections, kept on CUDA when the
master weights are fp32) serves the weights a step or a restore brought: on rank 0 the optimizer or
the checkpoint changes them, on rank 1 the broadcast does, and both must move the counter the copy
refreshes on. Always the native model (whatever ROLLCALL_TEST_POLICY says): only it keeps a copy."""

import tempfile
import unittest
from pathlib import Path

import torch

from native_fixture import tiny_native_policy
from ranks_fixture import run_ranks
from rollcall_worker.distributed.follower import follow
from rollcall_worker.distributed.rank_worker import build_rank_worker
from rollcall_worker.native.generation_weights import GenerationWeights
from rollcall_worker.native.model import AttentionPlan
from rollcall_worker.train_request import Hyper
from test_ranks_learning import NEEDS_FSDP2, batch
from tiny_policy import EOS, VOCAB, CharTokenizer

IDS = torch.tensor([[5, 17, 33, 2, 9, 40, 41, 7]])


def bf16_logits(model) -> torch.Tensor:
    mask = torch.ones_like(IDS)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        return model(IDS, mask.cumsum(1) - 1, AttentionPlan.padded(mask)).float()


def run_on_ranks(ranks, sharded: bool, samples: list | None, folder: str) -> dict:
    """Every rank reads its serving model's bf16 copy before and after rank 0's command: a step
    (then a checkpoint to `folder`) with `samples`, else a restore from `folder`."""
    worker = build_rank_worker(tiny_native_policy(0, len(VOCAB), EOS), CharTokenizer(), "tiny", ranks, sharded=sharded)
    twin = GenerationWeights(worker.policy.lm, torch.bfloat16)
    before = bf16_logits(twin.current())
    if ranks.is_leader:
        if samples is not None:
            worker.ops.train(samples, Hyper(lr=1e-2, microBatchSize=2))
            worker.ops.checkpoint(Path(folder))
        else:
            worker.ops.restore(Path(folder))
        worker.ops.stop_ranks()
    else:
        follow(worker.learner, worker.gate, ranks)
    # A twin built now from the master: what a copy that follows every change computes (the fused
    # forward sums in another order than the master's own, so the master's logits are not it).
    return {"before": before, "after": bf16_logits(twin.current()), "master": bf16_logits(GenerationWeights(worker.policy.lm, torch.bfloat16).current())}


class ReplicaGenerationWeightsTest(unittest.TestCase):
    sharded = False

    def test_the_generation_copy_on_every_rank_serves_a_step_and_a_restore(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = str(Path(tmp) / "global_step_1")
            trained = run_ranks(2, run_on_ranks, self.sharded, batch(), folder)
            restored = run_ranks(2, run_on_ranks, self.sharded, None, folder)
        start = trained[0]["before"]
        self.assertFalse(torch.equal(trained[0]["after"], start), "the step changed the weights")
        for rank, (stepped, back) in enumerate(zip(trained, restored)):
            self.assertTrue(torch.equal(stepped["before"], start) and torch.equal(back["before"], start), rank)
            self.assertTrue(torch.equal(stepped["after"], stepped["master"]), f"rank {rank}: the copy serves the step")
            self.assertTrue(torch.equal(stepped["after"], trained[0]["after"]), f"rank {rank}: rank 0's weights")
            self.assertTrue(torch.equal(back["after"], trained[0]["after"]), f"rank {rank}: the copy serves the restore")


@NEEDS_FSDP2
class Fsdp2ReplicaGenerationWeightsTest(ReplicaGenerationWeightsTest):
    sharded = True


if __name__ == "__main__":
    unittest.main()
