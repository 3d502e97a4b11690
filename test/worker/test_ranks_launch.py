"""`--gpus N` and the multi-machine flags become a torchrun line; shares balance tokens."""

import unittest

from rollcall_worker.__main__ import parse_args
from rollcall_worker.distributed.launch import launch_env, torchrun_argv, wants_torchrun
from rollcall_worker.distributed.token_split import split_by_tokens


def line(*flags: str) -> list[str]:
    argv = ["--model", "/models/q", "--port", "8000", *flags]
    return torchrun_argv(parse_args(argv), argv, "/usr/bin/python3")


class LaunchTest(unittest.TestCase):
    def test_gpus_on_one_machine_run_a_standalone_torchrun_with_the_worker_flags_passed_on(self) -> None:
        self.assertEqual(line("--gpus", "4", "--lora-rank", "16"), [
            "/usr/bin/python3", "-m", "torch.distributed.run", "--nproc_per_node=4", "--nnodes=1", "--max_restarts=0", "--standalone",
            "-m", "rollcall_worker", "--model", "/models/q", "--port", "8000", "--lora-rank", "16",
        ])

    def test_several_machines_name_the_rendezvous_and_keep_no_launcher_flag_for_the_ranks(self) -> None:
        argv = line("--gpus=8", "--nnodes", "2", "--rdzv-endpoint", "head:29500", "--rdzv-id=run7", "--node-rank", "1")
        self.assertEqual(argv[3:12], ["--nproc_per_node=8", "--nnodes=2", "--max_restarts=0", "--rdzv_backend=c10d",
                                      "--rdzv_endpoint=head:29500", "--rdzv_id=run7", "--node_rank=1", "-m", "rollcall_worker"])
        self.assertEqual(argv[12:], ["--model", "/models/q", "--port", "8000"])
        with self.assertRaisesRegex(ValueError, "--rdzv-endpoint"):
            line("--nnodes", "2")

    def test_torchrun_is_used_once_and_only_for_several_ranks(self) -> None:
        self.assertTrue(wants_torchrun(parse_args(["--model", "m", "--gpus", "2"]), {}))
        self.assertFalse(wants_torchrun(parse_args(["--model", "m", "--gpus", "2"]), {"TORCHELASTIC_RUN_ID": "x", "RANK": "0"}))
        self.assertFalse(wants_torchrun(parse_args(["--model", "m"]), {}))
        self.assertEqual(launch_env({"PATH": "/bin", "NCCL_NVLS_ENABLE": "1"})["NCCL_NVLS_ENABLE"], "0")


class TokenSplitTest(unittest.TestCase):
    def test_shares_balance_tokens_not_samples(self) -> None:
        lengths = [900, 100, 100, 100, 100, 100, 100, 100, 100, 100]
        shares = split_by_tokens(lengths, 2, lambda n: n)
        self.assertEqual(sorted(sum(s) for s in shares), [900, 900])
        self.assertEqual(sorted(len(s) for s in shares), [1, 9])
        self.assertEqual(sorted(x for s in shares for x in s), sorted(lengths))

    def test_fewer_samples_than_ranks_leave_ranks_empty(self) -> None:
        self.assertEqual(split_by_tokens([5], 3, lambda n: n), [[5], [], []])


if __name__ == "__main__":
    unittest.main()
