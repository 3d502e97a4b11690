"""Loss terms against hand-computed values (PPO dual clip, loss aggregation, truncated IS)."""

import math
import unittest

import torch

from rollcall_worker.losses import (
    AggNorm,
    aggregate,
    entropy_from_logits,
    kl_penalty,
    ppo_clip_loss,
    tis_loss_factor,
    tis_weight,
    token_logprobs,
)


def logs(*ratios: float) -> torch.Tensor:
    return torch.tensor([math.log(r) for r in ratios])


class PpoClipTest(unittest.TestCase):
    def terms(self, ratios: list[float], advantages: list[float]):
        return ppo_clip_loss(logs(*ratios), torch.zeros(len(ratios)), torch.tensor(advantages), 0.2, 0.28, 3.0)

    def test_positive_advantage_is_clipped_above_one_plus_clip_high(self) -> None:
        t = self.terms([1.5, 0.5, 1.1], [1.0, 1.0, 1.0])
        # max(-1.5, -1.28) = -1.28 (clipped); max(-0.5, -0.8) = -0.5; max(-1.1, -1.1) = -1.1
        torch.testing.assert_close(t.loss, torch.tensor([-1.28, -0.5, -1.1]))
        self.assertEqual(t.clipped.tolist(), [1.0, 0.0, 0.0])

    def test_negative_advantage_is_clipped_below_and_dual_clipped_at_c(self) -> None:
        t = self.terms([0.5, 1.5, 5.0], [-1.0, -1.0, -1.0])
        # max(0.5, 0.8) = 0.8 (clipped); max(1.5, 1.28) = 1.5; max(5, 1.28) = 5 → min(5, 3) = 3
        torch.testing.assert_close(t.loss, torch.tensor([0.8, 1.5, 3.0]))
        self.assertEqual(t.clipped.tolist(), [1.0, 0.0, 0.0])
        self.assertEqual(t.clipped_lower.tolist(), [0.0, 0.0, 1.0])

    def test_dual_clip_scales_with_the_advantage(self) -> None:
        t = self.terms([10.0], [-2.0])
        torch.testing.assert_close(t.loss, torch.tensor([6.0]))

    def test_log_ratio_is_clamped_at_20(self) -> None:
        t = ppo_clip_loss(torch.tensor([50.0]), torch.tensor([0.0]), torch.tensor([1.0]), 0.2, 0.2)
        self.assertAlmostEqual(float(t.log_ratio), 20.0)

    def test_gradient_at_ratio_one_is_minus_advantage(self) -> None:
        logp = torch.zeros(2, requires_grad=True)
        ppo_clip_loss(logp, torch.zeros(2), torch.tensor([2.0, -0.5]), 0.2, 0.2).loss.sum().backward()
        torch.testing.assert_close(logp.grad, torch.tensor([-2.0, 0.5]))


class KlTest(unittest.TestCase):
    def test_estimators(self) -> None:
        logp, ref = torch.tensor([0.5]), torch.tensor([0.0])
        self.assertAlmostEqual(float(kl_penalty(logp, ref, "k1")), 0.5)
        self.assertAlmostEqual(float(kl_penalty(-logp, ref, "abs")), 0.5)
        self.assertAlmostEqual(float(kl_penalty(logp, ref, "k2")), 0.125)
        self.assertAlmostEqual(float(kl_penalty(logp, ref, "k3")), math.exp(-0.5) + 0.5 - 1, places=6)

    def test_k3_is_zero_at_equality_and_clamped(self) -> None:
        self.assertEqual(float(kl_penalty(torch.tensor([1.0]), torch.tensor([1.0]), "k3")), 0.0)
        self.assertEqual(float(kl_penalty(torch.tensor([-30.0]), torch.tensor([0.0]), "k3")), 10.0)

    def test_k3_gradient_stays_finite_far_below_the_reference(self) -> None:
        # d = −100: exp(−d) overflows float32 (past 88.7); unclamped, the gradient is 0·∞ = NaN.
        logp = torch.tensor([-100.0, -0.5], requires_grad=True)
        kl = kl_penalty(logp, torch.zeros(2), "k3")
        kl.sum().backward()
        self.assertTrue(torch.isfinite(logp.grad).all(), logp.grad)
        self.assertEqual(float(kl[0]), 10.0)
        self.assertAlmostEqual(float(logp.grad[1]), 1 - math.exp(0.5), places=5)  # d/dd (e^{−d} + d − 1)

    def test_unknown_estimator(self) -> None:
        with self.assertRaises(ValueError):
            kl_penalty(torch.zeros(1), torch.zeros(1), "k9")


class AggregationTest(unittest.TestCase):
    loss = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    norm = AggNorm(total_tokens=3, total_sequences=2, loss_scale_factor=3)

    def test_modes(self) -> None:
        self.assertAlmostEqual(float(aggregate(self.loss, self.mask, "token-mean", self.norm)), 7 / 3, places=6)
        self.assertAlmostEqual(float(aggregate(self.loss, self.mask, "seq-mean-token-mean", self.norm)), (1.5 + 4) / 2, places=6)
        self.assertAlmostEqual(float(aggregate(self.loss, self.mask, "seq-mean-token-sum-norm", self.norm)), 7 / 6, places=6)

    def test_micro_batch_shares_add_up_to_the_full_batch(self) -> None:
        for mode in ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum-norm"):
            whole = aggregate(self.loss, self.mask, mode, self.norm)
            parts = aggregate(self.loss[:1], self.mask[:1], mode, self.norm) + aggregate(self.loss[1:], self.mask[1:], mode, self.norm)
            self.assertAlmostEqual(float(whole), float(parts), places=6, msg=mode)

    def test_token_sum_norm_divides_by_the_constant_not_the_batch(self) -> None:
        norm = AggNorm(total_tokens=3, total_sequences=2, loss_scale_factor=100)
        self.assertAlmostEqual(float(aggregate(self.loss, self.mask, "seq-mean-token-sum-norm", norm)), 7 / 200, places=7)

    def test_unknown_mode(self) -> None:
        with self.assertRaises(ValueError):
            aggregate(self.loss, self.mask, "token-sum", self.norm)


class TisTest(unittest.TestCase):
    def test_weight_is_capped_and_detached(self) -> None:
        before = torch.tensor([math.log(3.0), math.log(0.5)], requires_grad=True)
        weight = tis_weight(before, torch.zeros(2), cap=2.0)
        torch.testing.assert_close(weight, torch.tensor([2.0, 0.5]))
        self.assertFalse(weight.requires_grad)

    def test_loss_factor_makes_the_effective_weight_the_tis_weight(self) -> None:
        # ρ = 3 > cap: factor 2/3, so r·factor = 3·2/3 = 2 at θ_old; ρ = 0.5 ≤ cap: factor 1.
        factor = tis_loss_factor(torch.tensor([math.log(3.0), math.log(0.5)]), torch.zeros(2), cap=2.0)
        torch.testing.assert_close(factor, torch.tensor([2 / 3, 1.0]))


class LogprobTest(unittest.TestCase):
    def test_entropy_of_uniform(self) -> None:
        self.assertAlmostEqual(float(entropy_from_logits(torch.zeros(1, 4))), math.log(4), places=6)

    def test_token_logprobs_match_log_softmax(self) -> None:
        logits = torch.randn(2, 3, 7)
        targets = torch.randint(0, 7, (2, 3))
        expected = torch.log_softmax(logits, -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        torch.testing.assert_close(token_logprobs(logits, targets), expected)


if __name__ == "__main__":
    unittest.main()
