"""Accumulates one training step's metrics over micro-batches and epochs.

Definitions (all over loss-mask tokens; "token mean" = sum over tokens / number of tokens):

* `learner/loss`, `pg_loss`, `kl_loss`, `entropy_loss`: the aggregated full-batch terms (sums of
  the micro-batch shares), averaged over PPO epochs.
* `learner/logprob_diff_mean` / `_max`: mean and max of |logp_learner − logp_engine| measured in
  the first epoch's forward, i.e. with the weights that generated the batch and before any update,
  each sample scored at its own sampling settings (scoring.py) — the engine/learner agreement
  check (≈0 for a colocated fp32 worker; bf16 rounding otherwise; −log(kept mass) per token for an
  engine reporting top-p/top-k-truncated logprobs that the learner scores as `full`).
* `learner/approx_kl`: token mean of −log r (k1 estimate of KL(π_anchor‖π_θ), verl `ppo_kl`), over
  all epochs, each measured before that epoch's update; the anchor is π_engine (`tis: bypass`) or
  π_old (`tis: decoupled`), as is the ratio r.
* `learner/ratio_mean/max/min`, `learner/clip_frac`, `learner/clip_frac_lower`: over all epochs.
* `learner/tis_weight_mean`: token mean of min(ρ, tisCap), ρ = π_old/π_engine (first epoch);
  `learner/tis_capped_frac`: share of tokens where ρ > tisCap.
* `learner/entropy` and `learner/kl_ref` (k3): token means in the first epoch.
* `learner/gpu_mem_gb`: peak allocated memory of the step, the largest over ranks (CUDA only).

Several ranks each accumulate their share and rank 0 absorbs the others' (sums add, extremes
combine), which gives the numbers one rank would have computed over the whole batch.
"""

from __future__ import annotations

import torch


class StepMetrics:
    def __init__(self) -> None:
        self.tokens = 0.0
        self.epoch_tokens = 0.0
        self.sums: dict[str, float] = {}
        self.maxima: dict[str, float] = {}
        self.minima: dict[str, float] = {}

    def _add(self, name: str, value: torch.Tensor) -> None:
        self.sums[name] = self.sums.get(name, 0.0) + float(value)

    def _extreme(self, name: str, values: torch.Tensor) -> None:
        if values.numel() == 0:
            return
        self.maxima[name] = max(self.maxima.get(name, float("-inf")), float(values.max()))
        self.minima[name] = min(self.minima.get(name, float("inf")), float(values.min()))

    def peak(self, name: str, value: float) -> None:
        """A per-rank peak (memory): the step reports the largest."""
        self.maxima[name] = max(self.maxima.get(name, float("-inf")), value)

    def absorb(self, other: "StepMetrics") -> None:
        """Adds another rank's share of the same step."""
        self.tokens += other.tokens
        self.epoch_tokens += other.epoch_tokens
        for name, value in other.sums.items():
            self.sums[name] = self.sums.get(name, 0.0) + value
        for name, value in other.maxima.items():
            self.maxima[name] = max(self.maxima.get(name, float("-inf")), value)
        for name, value in other.minima.items():
            self.minima[name] = min(self.minima.get(name, float("inf")), value)

    def first_epoch(self, selected: dict[str, torch.Tensor]) -> None:
        """Per-token values of the first epoch, already restricted to mask tokens."""
        self.epoch_tokens += float(selected["diff"].numel())
        diff = selected["diff"].abs()
        self._add("diff", diff.sum())
        self._extreme("diff", diff)
        self._add("tis", selected["tis"].sum())
        self._add("tis_capped", selected["tis_capped"].sum())
        self._add("entropy", selected["entropy"].sum())
        if "kl" in selected:
            self._add("kl", selected["kl"].sum())

    def every_epoch(self, selected: dict[str, torch.Tensor]) -> None:
        self.tokens += float(selected["ratio"].numel())
        self._add("ratio", selected["ratio"].sum())
        self._extreme("ratio", selected["ratio"])
        self._add("approx_kl", (-selected["log_ratio"]).sum())
        self._add("clipped", selected["clipped"].sum())
        self._add("clipped_lower", selected["clipped_lower"].sum())

    def losses(self, terms: dict[str, torch.Tensor]) -> None:
        for name, value in terms.items():
            self._add(f"loss:{name}", value.detach())

    def result(self, epochs: int, grad_norms: list[float], kl_used: bool) -> dict[str, float]:
        per_token = lambda name, count: self.sums.get(name, 0.0) / max(count, 1.0)  # noqa: E731
        out = {
            "learner/loss": self.sums.get("loss:loss", 0.0) / epochs,
            "learner/pg_loss": self.sums.get("loss:pg", 0.0) / epochs,
            "learner/clip_frac": per_token("clipped", self.tokens),
            "learner/clip_frac_lower": per_token("clipped_lower", self.tokens),
            "learner/approx_kl": per_token("approx_kl", self.tokens),
            "learner/entropy": per_token("entropy", self.epoch_tokens),
            "learner/grad_norm": sum(grad_norms) / max(len(grad_norms), 1),
            "learner/ratio_mean": per_token("ratio", self.tokens),
            "learner/ratio_max": self.maxima.get("ratio", 1.0),
            "learner/ratio_min": self.minima.get("ratio", 1.0),
            "learner/tis_weight_mean": per_token("tis", self.epoch_tokens),
            "learner/tis_capped_frac": per_token("tis_capped", self.epoch_tokens),
            "learner/logprob_diff_mean": per_token("diff", self.epoch_tokens),
            "learner/logprob_diff_max": self.maxima.get("diff", 0.0),
        }
        if "loss:entropy" in self.sums:
            out["learner/entropy_loss"] = self.sums["loss:entropy"] / epochs
        if "gpu_mem_gb" in self.maxima:
            out["learner/gpu_mem_gb"] = self.maxima["gpu_mem_gb"]
        if kl_used:
            out["learner/kl_ref"] = per_token("kl", self.epoch_tokens)
            out["learner/kl_loss"] = self.sums.get("loss:kl", 0.0) / epochs
        return out
