"""One learner step on the tiny model: advantage signs, logprob agreement, normalisation, KL, TIS."""

import math
import unittest
from dataclasses import replace

import torch

from rollcall_worker.collate import collate
from rollcall_worker.losses import token_logprobs
from rollcall_worker.scoring import SampleScoring
from rollcall_worker.train_request import Hyper, TrainSample
from tiny_policy import PAD
from worker_fixture import as_sample, generate, generate_together, tiny_worker

PROMPTS = ["<|user|>add 2 and 3\n<|assistant|>", "<|user|>hi\n<|assistant|>", "<|user|>x\n<|assistant|>"]


def summed_logprob(worker, sample: TrainSample) -> float:
    batch = collate([sample], PAD)
    with torch.no_grad():
        logits = worker.policy.forward_logits(batch.input_ids, batch.attention_mask, batch.position_ids, keep_last=batch.keep_last)
    return float((token_logprobs(logits[:, :-1], batch.targets) * batch.mask).sum())


class AdvantageSignTest(unittest.TestCase):
    def step_changes_logprob(self, advantage: float) -> tuple[float, float]:
        worker = tiny_worker(seed=1)
        sample = as_sample(generate(worker, PROMPTS[0], max_tokens=8, seed=11), advantage)
        before = summed_logprob(worker, sample)
        worker.learner.train_step([sample], Hyper(lr=1e-2))
        return before, summed_logprob(worker, sample)

    def test_positive_advantage_raises_the_sampled_tokens_logprobs(self) -> None:
        before, after = self.step_changes_logprob(1.0)
        self.assertGreater(after, before + 0.1)

    def test_negative_advantage_lowers_them(self) -> None:
        before, after = self.step_changes_logprob(-1.0)
        self.assertLess(after, before - 0.1)


class LogprobAgreementTest(unittest.TestCase):
    def test_own_generation_agrees_exactly_in_fp32(self) -> None:
        worker = tiny_worker(seed=2)
        samples = [as_sample(generate(worker, p, max_tokens=10, seed=i, temperature=0.7), 1.0) for i, p in enumerate(PROMPTS)]
        metrics = worker.learner.train_step(samples, Hyper(lr=1e-6, microBatchSize=2))
        self.assertLess(metrics["learner/logprob_diff_max"], 1e-5)
        self.assertLess(metrics["learner/logprob_diff_mean"], 1e-5)
        self.assertAlmostEqual(metrics["learner/tis_weight_mean"], 1.0, places=4)
        self.assertAlmostEqual(metrics["learner/ratio_mean"], 1.0, places=4)
        self.assertEqual(metrics["learner/trained_tokens"], 30)

    def test_left_padded_generation_batches_agree_with_right_padded_training(self) -> None:
        worker = tiny_worker(seed=2)
        sequences = generate_together(worker, [(PROMPTS[0], 12), (PROMPTS[1], 4), (PROMPTS[2], 9)], seed=3)
        self.assertEqual(worker.scheduler.forward_count, 12)  # they did share left-padded batches
        metrics = worker.learner.train_step([as_sample(s, 1.0) for s in sequences], Hyper(lr=1e-6, microBatchSize=2))
        self.assertLess(metrics["learner/logprob_diff_max"], 1e-5)

    def test_each_sample_is_scored_at_its_own_temperature(self) -> None:
        # One batch of rollouts sampled at three temperatures (rollouts may differ), one micro-batch.
        worker = tiny_worker(seed=2)
        samples = [as_sample(generate(worker, p, max_tokens=10, seed=i, temperature=t), 1.0)
                   for i, (p, t) in enumerate(zip(PROMPTS, (0.7, 1.0, 1.3)))]
        metrics = worker.learner.train_step(samples, Hyper(lr=1e-6, microBatchSize=3))
        self.assertLess(metrics["learner/logprob_diff_max"], 1e-5)
        self.assertEqual(metrics["learner/clip_frac"], 0.0)

    def test_a_greedy_sample_is_scored_at_temperature_one_as_engines_report_it(self) -> None:
        worker = tiny_worker(seed=2)
        sample = as_sample(generate(worker, PROMPTS[0], max_tokens=6, seed=1, temperature=0.0), 1.0)
        self.assertEqual(sample.scoring.temperature, 0.0)
        self.assertLess(worker.learner.train_step([sample], Hyper(lr=1e-6))["learner/logprob_diff_max"], 1e-5)

    def test_a_temperature_mismatch_shows_in_the_metric(self) -> None:
        worker = tiny_worker(seed=2)
        sample = as_sample(generate(worker, PROMPTS[1], max_tokens=10, seed=5, temperature=0.7), 1.0)
        metrics = worker.learner.train_step([replace(sample, scoring=SampleScoring(temperature=1.0))], Hyper(lr=1e-6))
        self.assertGreater(metrics["learner/logprob_diff_mean"], 1e-3)


class TruncatedLogprobsTest(unittest.TestCase):
    """An engine reporting logprobs after top-k/top-p (vLLM processed_logprobs, the worker's
    --logprobs-mode processed) against the learner's two ways of scoring them."""

    def step(self, logprobs_mode: str, engine_logprobs: str) -> dict[str, float]:
        worker = tiny_worker(seed=8, logprobs_mode=logprobs_mode)
        samples = [as_sample(generate(worker, p, max_tokens=12, seed=i, temperature=0.8, top_p=0.7, top_k=6), 1.0)
                   for i, p in enumerate(PROMPTS)]
        return worker.learner.train_step(samples, Hyper(lr=1e-6, engineLogprobs=engine_logprobs))

    def test_scoring_the_same_top_k_top_p_agrees(self) -> None:
        self.assertLess(self.step("processed", "truncated")["learner/logprob_diff_max"], 1e-5)

    def test_scoring_the_full_distribution_shows_the_truncation_gap(self) -> None:
        # The engine renormalised over the kept tokens: its logprobs exceed the learner's by
        # −log(kept mass), which the agreement metric reports.
        self.assertGreater(self.step("processed", "full")["learner/logprob_diff_mean"], 0.05)

    def test_untruncated_engine_logprobs_are_scored_in_full(self) -> None:
        self.assertLess(self.step("sampling", "full")["learner/logprob_diff_max"], 1e-5)
        self.assertGreater(self.step("sampling", "truncated")["learner/logprob_diff_mean"], 0.05)


class NormalisationTest(unittest.TestCase):
    def test_micro_batch_size_does_not_change_loss_or_gradient(self) -> None:
        for mode in ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum-norm"):
            results = []
            for size in (1, 2, 3):
                worker = tiny_worker(seed=4)
                samples = [as_sample(generate(worker, p, max_tokens=3 + 2 * i, seed=i), 1.0 - i) for i, p in enumerate(PROMPTS)]
                results.append(worker.learner.train_step(samples, Hyper(lr=1e-3, microBatchSize=size, lossAgg=mode, lossScaleFactor=64, gradClip=1e9)))
            for other in results[1:]:
                self.assertAlmostEqual(results[0]["learner/loss"], other["learner/loss"], places=5, msg=mode)
                self.assertAlmostEqual(results[0]["learner/grad_norm"], other["learner/grad_norm"], places=4, msg=mode)


    def test_dr_grpo_divides_by_the_configured_constant_whatever_the_batch_holds(self) -> None:
        # A and a longer zero-advantage B: the loss of [A, B] is that of [A] over twice the
        # sequences; with the longest response as divisor, B's length would change A's weight.
        worker = tiny_worker(seed=4)
        short = as_sample(generate(worker, PROMPTS[0], max_tokens=3, seed=1), 1.0)
        long = as_sample(generate(worker, PROMPTS[1], max_tokens=20, seed=2), 0.0)
        hyper = Hyper(lr=1e-9, lossAgg="seq-mean-token-sum-norm", lossScaleFactor=50)
        alone = worker.learner.train_step([short], hyper)["learner/pg_loss"]
        together = worker.learner.train_step([short, long], hyper)["learner/pg_loss"]
        self.assertAlmostEqual(alone, -3 / 50, places=4)
        self.assertAlmostEqual(together * 2, alone, places=4)


class TermsTest(unittest.TestCase):
    def test_kl_to_the_reference_starts_at_zero_and_grows(self) -> None:
        worker = tiny_worker(seed=5)
        sample = as_sample(generate(worker, PROMPTS[0], max_tokens=8, seed=3), 1.0)
        first = worker.learner.train_step([sample], Hyper(lr=5e-2, klCoef=0.1))
        second = worker.learner.train_step([replace(sample)], Hyper(lr=5e-2, klCoef=0.1))
        self.assertAlmostEqual(first["learner/kl_ref"], 0.0, places=6)
        self.assertGreater(second["learner/kl_ref"], 1e-4)
        self.assertIn("learner/kl_loss", second)

    def test_no_kl_metric_without_a_reference(self) -> None:
        worker = tiny_worker(seed=5)
        sample = as_sample(generate(worker, PROMPTS[0], max_tokens=4, seed=3), 1.0)
        self.assertNotIn("learner/kl_ref", worker.learner.train_step([sample], Hyper()))

    def test_entropy_bonus_and_epochs(self) -> None:
        worker = tiny_worker(seed=6)
        sample = as_sample(generate(worker, PROMPTS[2], max_tokens=6, seed=4), 1.0)
        metrics = worker.learner.train_step([sample], Hyper(lr=1e-2, entropyCoef=0.01, ppoEpochs=3))
        self.assertGreater(metrics["learner/entropy"], 1.0)
        self.assertIn("learner/entropy_loss", metrics)
        self.assertGreater(metrics["learner/ratio_max"], 1.0)  # later epochs see the moved policy
        self.assertEqual(worker.learner.policy_version, 1)

    def test_tis_caps_tokens_the_engine_found_unlikely(self) -> None:
        worker = tiny_worker(seed=7)
        sample = as_sample(generate(worker, PROMPTS[0], max_tokens=5, seed=2), 1.0)
        n = sample.prompt_length
        shifted = replace(sample, logprobs=sample.logprobs[:n] + [v - 2.0 for v in sample.logprobs[n:]])
        metrics = worker.learner.train_step([shifted], Hyper(lr=1e-6, tisCap=2.0))
        self.assertAlmostEqual(metrics["learner/tis_weight_mean"], 2.0, places=5)
        self.assertEqual(metrics["learner/tis_capped_frac"], 1.0)
        self.assertAlmostEqual(metrics["learner/logprob_diff_mean"], 2.0, places=4)
        self.assertAlmostEqual(metrics["learner/approx_kl"], -2.0, places=4)
        self.assertAlmostEqual(metrics["learner/ratio_mean"], math.exp(2.0), places=3)

    def shifted_step(self, tis: str) -> dict[str, float]:
        """The engine reported each token 2 nats less likely than the learner computes (ρ = e²)."""
        worker = tiny_worker(seed=7)
        sample = as_sample(generate(worker, PROMPTS[0], max_tokens=5, seed=2), 1.0)
        n = sample.prompt_length
        shifted = replace(sample, logprobs=sample.logprobs[:n] + [v - 2.0 for v in sample.logprobs[n:]])
        return worker.learner.train_step([shifted], Hyper(lr=1e-6, tisCap=2.0, tis=tis))

    def test_bypass_gives_no_gradient_to_tokens_outside_the_trust_window(self) -> None:
        metrics = self.shifted_step("bypass")
        self.assertEqual(metrics["learner/clip_frac"], 1.0)
        self.assertEqual(metrics["learner/grad_norm"], 0.0)

    def test_decoupled_anchors_the_ratio_at_the_old_policy_and_weights_by_the_truncated_rho(self) -> None:
        metrics = self.shifted_step("decoupled")
        self.assertAlmostEqual(metrics["learner/ratio_mean"], 1.0, places=5)
        self.assertEqual(metrics["learner/clip_frac"], 0.0)
        self.assertAlmostEqual(metrics["learner/tis_weight_mean"], 2.0, places=5)
        self.assertAlmostEqual(metrics["learner/pg_loss"], -2.0, places=5)  # −A · r · min(e², 2)
        self.assertGreater(metrics["learner/grad_norm"], 0.0)


if __name__ == "__main__":
    unittest.main()
