"""Sampling: temperature, top-k/top-p, seeds, and which logprob is reported."""

import math
import unittest

import torch

from rollcall_worker.sampling import SamplingParams, SeededDraws, apply_top_k_top_p, sample_tokens

CPU = torch.device("cpu")


class SamplingTest(unittest.TestCase):
    logits = torch.tensor([[2.0, 1.0, 0.5, -1.0, 0.0]])

    def draw(self, params: SamplingParams, seed: int = 0, mode: str = "sampling"):
        return sample_tokens(self.logits, [params], [SeededDraws(seed)], mode)

    def test_reported_logprob_is_of_logits_over_temperature_without_truncation(self) -> None:
        params = SamplingParams(max_tokens=1, temperature=0.7, top_k=2, logprobs=0)
        step = self.draw(params)
        expected = torch.log_softmax(self.logits / 0.7, -1)[0, step.token_ids[0]]
        self.assertAlmostEqual(step.logprobs[0], float(expected), places=6)
        self.assertIn(step.token_ids[0], (0, 1))

    def test_processed_mode_renormalises_over_the_kept_tokens(self) -> None:
        step = self.draw(SamplingParams(max_tokens=1, temperature=0.7, top_k=1), mode="processed")
        self.assertEqual(step.token_ids, [0])
        self.assertAlmostEqual(step.logprobs[0], 0.0, places=6)

    def test_greedy_takes_argmax_and_reports_temperature_one(self) -> None:
        step = self.draw(SamplingParams(max_tokens=1, temperature=0.0))
        self.assertEqual(step.token_ids, [0])
        self.assertAlmostEqual(step.logprobs[0], float(torch.log_softmax(self.logits, -1)[0, 0]), places=6)

    def test_top_p_keeps_the_smallest_set_above_p(self) -> None:
        probs = torch.softmax(self.logits, -1)[0]  # ≈ [0.53, 0.20, 0.12, 0.03, 0.07]
        kept = apply_top_k_top_p(self.logits.clone(), torch.tensor([5]), torch.tensor([0.6]))
        self.assertEqual(torch.isfinite(kept[0]).tolist(), [True, True, False, False, False])
        self.assertGreater(float(probs[0] + probs[1]), 0.6)

    def test_top_k_keeps_k_tokens(self) -> None:
        kept = apply_top_k_top_p(self.logits.clone(), torch.tensor([3]), torch.tensor([1.0]))
        self.assertEqual(torch.isfinite(kept[0]).tolist(), [True, True, True, False, False])

    def test_same_seed_same_tokens_and_distribution_is_followed(self) -> None:
        params = SamplingParams(max_tokens=1, temperature=1.0)
        generator_a, generator_b = SeededDraws(7), SeededDraws(7)
        rows = self.logits.expand(2000, 5)
        a = sample_tokens(rows, [params] * 2000, [generator_a] * 2000).token_ids
        b = sample_tokens(rows, [params] * 2000, [generator_b] * 2000).token_ids
        self.assertEqual(a, b)
        share = a.count(0) / len(a)
        self.assertAlmostEqual(share, float(torch.softmax(self.logits, -1)[0, 0]), delta=0.04)

    def test_a_seeded_row_draws_the_same_tokens_whatever_shares_its_batch(self) -> None:
        # The same row (seed 11, temperature 0.9) sampled for 50 steps alone, then at each step
        # among other rows whose count, seeds, temperatures, truncation and greediness change.
        torch.manual_seed(0)
        steps = torch.randn(50, 1, 64) * 2
        mine = SamplingParams(max_tokens=50, temperature=0.9)
        alone_draws = SeededDraws(11)
        alone = [sample_tokens(step, [mine], [alone_draws]).token_ids[0] for step in steps]
        shared_draws = SeededDraws(11)
        others = [SeededDraws(100 + i) for i in range(5)]
        other_params = [SamplingParams(max_tokens=50, temperature=t, top_k=k, top_p=p)
                        for t, k, p in ((1.0, 0, 1.0), (0.0, 0, 1.0), (0.7, 5, 1.0), (1.3, 0, 0.8), (0.5, 3, 0.9))]
        shared = []
        for n, step in enumerate(steps):
            count = n % 5
            rows = torch.cat([torch.randn(count, 64), step]) if n % 2 else torch.cat([step, torch.randn(count, 64)])
            params = other_params[:count] + [mine] if n % 2 else [mine] + other_params[:count]
            draws = others[:count] + [shared_draws] if n % 2 else [shared_draws] + others[:count]
            tokens = sample_tokens(rows, params, draws).token_ids
            shared.append(tokens[-1] if n % 2 else tokens[0])
        self.assertEqual(shared, alone)
        self.assertGreater(len(set(alone)), 10)  # it did sample, not collapse to the argmax

    def test_truncated_tokens_are_never_drawn(self) -> None:
        rows = torch.randn(1, 40).expand(3000, 40).contiguous()
        draws = SeededDraws(3)
        step = sample_tokens(rows, [SamplingParams(max_tokens=1, temperature=2.0, top_k=3)] * 3000, [draws] * 3000)
        self.assertEqual(set(step.token_ids), set(rows[0].topk(3).indices.tolist()))

    def test_top_alternatives_are_the_k_most_likely(self) -> None:
        step = self.draw(SamplingParams(max_tokens=1, logprobs=2))
        self.assertEqual([t for t, _ in step.top[0]], [0, 1])
        self.assertAlmostEqual(step.top[0][0][1], float(torch.log_softmax(self.logits, -1)[0, 0]), places=6)
        self.assertTrue(all(v <= 0 and math.isfinite(v) for _, v in step.top[0]))


if __name__ == "__main__":
    unittest.main()
