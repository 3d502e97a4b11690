"""Collation: the logprob of token t is scored with the logits at t−1; masks follow the tokens."""

import unittest

import torch

from rollcall_worker.collate import collate, micro_batches
from rollcall_worker.losses import token_logprobs
from rollcall_worker.train_request import TrainSample
from tiny_policy import PAD, TinyPolicy


def sample(tokens, prompt_length, mask, logprobs=None, advantages=None) -> TrainSample:
    n = len(tokens)
    return TrainSample(tokens, prompt_length, mask, logprobs or [0.0] * n, advantages or [0.0] * n)


class CollateTest(unittest.TestCase):
    def test_shift_alignment_and_prompt_columns_dropped(self) -> None:
        batch = collate([sample([10, 11, 12, 13], 2, [0, 0, 1, 1], [0, 0, -1.0, -2.0], [0, 0, 0.5, 0.5])], PAD)
        self.assertEqual(batch.input_ids.tolist(), [[10, 11, 12, 13]])
        # mask shifted = [0, 1, 1]: the first trained target column is 1 (token 12, from logits at 11)
        self.assertEqual(batch.targets.tolist(), [[12, 13]])
        self.assertEqual(batch.mask.tolist(), [[1.0, 1.0]])
        self.assertEqual(batch.engine_logprobs.tolist(), [[-1.0, -2.0]])
        self.assertEqual(batch.advantages.tolist(), [[0.5, 0.5]])
        self.assertEqual(batch.keep_last, 3)

    def test_right_padding_and_masks_of_uneven_rows(self) -> None:
        batch = collate([sample([20, 21, 22], 1, [0, 1, 1]), sample([30, 31, 32, 33, 34], 3, [0, 0, 0, 1, 0])], PAD)
        self.assertEqual(batch.input_ids.tolist(), [[20, 21, 22, PAD, PAD], [30, 31, 32, 33, 34]])
        self.assertEqual(batch.attention_mask.tolist(), [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]])
        self.assertEqual(batch.position_ids.tolist(), [[0, 1, 2, 3, 4]] * 2)
        self.assertEqual(batch.targets.tolist(), [[21, 22, PAD, PAD], [31, 32, 33, 34]])
        self.assertEqual(batch.mask.tolist(), [[1, 1, 0, 0], [0, 0, 1, 0]])
        self.assertEqual(batch.keep_last, 5)

    def test_scored_logprobs_come_from_the_previous_position(self) -> None:
        policy = TinyPolicy(seed=3)
        tokens = [9, 40, 41, 42, 43, 44]
        batch = collate([sample(tokens, 3, [0, 0, 0, 1, 1, 1])], PAD)
        with torch.no_grad():
            full = policy.forward_logits(batch.input_ids, batch.attention_mask, batch.position_ids)
            kept = policy.forward_logits(batch.input_ids, batch.attention_mask, batch.position_ids, keep_last=batch.keep_last)
        scored = token_logprobs(kept[:, :-1], batch.targets)[0]
        by_hand = [torch.log_softmax(full[0, t - 1], -1)[tokens[t]] for t in (3, 4, 5)]
        torch.testing.assert_close(scored, torch.stack(by_hand))

    def test_micro_batches_group_by_length(self) -> None:
        samples = [sample([1] * n, 1, [0] + [1] * (n - 1)) for n in (5, 2, 4, 3)]
        groups = micro_batches(samples, 2)
        self.assertEqual([[len(s.tokens) for s in g] for g in groups], [[2, 3], [4, 5]])


if __name__ == "__main__":
    unittest.main()
