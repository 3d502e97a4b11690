"""One learner step: PPO-clip / GRPO policy gradient against the engine's logprobs.

Per step (`ppoEpochs` optimizer steps over the whole batch, micro-batches accumulating gradients):

    logp      = log softmax(logits / T)[token]    (with grad; T, and top-k/top-p when the engine
                                                  reports truncated logprobs, per sample: scoring.py)
    logp_old  = logp of the first epoch, detached (the weights that generated the batch)
    ρ         = π_old / π_engine
    L_token   = bypass:    PPO(πθ / π_engine) · min(1, tisCap / ρ)     (policy_loss.py, hyper.tis)
                decoupled: PPO(πθ / π_old) · min(ρ, tisCap)
    loss      = agg(L_token) − entropyCoef · agg(H) + klCoef · agg(k3(logp, logp_ref))

PPO is verl's dual-clip form with c = 3 (`compute_policy_loss_vanilla`). `logp_old` needs no extra forward:
in the first epoch no optimizer step has happened yet, so its forward with gradients *is* the
recomputation with the weights that generated the batch. Aggregation uses batch-wide normalisers
(and, for seq-mean-token-sum-norm, the constant `lossScaleFactor`) so the accumulated micro-batch
losses equal the full-batch loss. The entropy is that of the temperature-scaled distribution
before any top-k/top-p truncation. The module is in train mode during the step (dropout is
switched off at load).

With several learner ranks each runs `train_share` on its share of the samples, normalised by the
whole batch's `BatchTotals`; the `StepSync` (step_sync.py) combines gradients, steps the optimizer
and merges metrics, so the result equals the one-rank step up to float summation order.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import torch

from .collate import TrainBatch, collate, micro_batches
from .losses import AggNorm, aggregate, entropy_from_logits, kl_penalty, tis_weight
from .policy_loss import POLICY_LOSSES, LossInputs
from .policy_model import PolicyModel, autocast
from .scoring import Scored, score_tokens
from .step_sync import SINGLE_RANK, StepSync
from .train_metrics import StepMetrics
from .train_request import Hyper, TrainSample

log = logging.getLogger("rollcall_worker.learner")


@dataclass(frozen=True)
class BatchTotals:
    """Sizes of the whole step's batch. Every share (one rank's samples, one micro-batch) is
    normalised by these, so the shares' losses and gradients add up to the full-batch ones."""

    trained_tokens: float
    sequences: float
    tokens: int
    """All tokens, prompts included (the work a step does: `tokens_per_s`)."""

    @staticmethod
    def of(samples: list[TrainSample]) -> "BatchTotals":
        return BatchTotals(
            trained_tokens=float(sum(sum(s.loss_mask) for s in samples)),
            sequences=float(len(samples)),
            tokens=sum(len(s.tokens) for s in samples),
        )


class Learner:
    def __init__(self, policy: PolicyModel, pad_token_id: int, weight_decay: float = 0.01, sync: StepSync = SINGLE_RANK) -> None:
        self.policy = policy
        self.pad_token_id = pad_token_id
        self.weight_decay = weight_decay
        self.sync = sync
        self.optimizer: torch.optim.Optimizer | None = None
        self.policy_version = 0
        self.step = 0

    def ensure_optimizer(self, lr: float = 1e-6) -> torch.optim.Optimizer:
        """AdamW over the trainable parameters, created once (its state lives across steps), at
        this step's learning rate."""
        if self.optimizer is None:
            params = self.policy.trainable_parameters()
            self.optimizer = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=self.weight_decay)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        return self.optimizer

    def train_step(self, samples: list[TrainSample], hyper: Hyper) -> dict[str, float]:
        """One step over the whole batch on this process."""
        return self.train_share(samples, BatchTotals.of(samples), hyper)

    def train_share(self, share: list[TrainSample], totals: BatchTotals, hyper: Hyper) -> dict[str, float]:
        """This rank's share of a step whose whole batch has `totals` (one rank: the whole batch).
        Returns the step's metrics (complete on rank 0) and bumps the policy version."""
        started = time.perf_counter()
        policy, sync = self.policy, self.sync
        device = policy.device
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        batches = [collate(group, self.pad_token_id).to(device) for group in micro_batches(share, hyper.microBatchSize)]
        real = len(batches)
        batches += [collate([padding_sample(self.pad_token_id)], self.pad_token_id).to(device)] * (sync.micro_batch_slots(real) - real)
        norm = AggNorm(
            total_tokens=totals.trained_tokens,
            total_sequences=totals.sequences,
            loss_scale_factor=float(hyper.lossScaleFactor or 1.0),
        )
        references = [self._reference_logprobs(b, hyper) for b in batches] if hyper.klCoef > 0 else None
        metrics = StepMetrics()
        before: list[torch.Tensor] = []
        grad_norms: list[float] = []
        skipped = 0
        params = policy.trainable_parameters()
        policy.module.train()
        try:
            for epoch in range(hyper.ppoEpochs):
                _clear_grads(params)
                for k, batch in enumerate(batches):
                    reference = references[k] if references is not None else None
                    self._micro_batch(batch, hyper, norm, epoch, k, before, reference, metrics if k < real else None)
                total = sync.apply_gradients(self, hyper)
                if total is None:
                    skipped += 1
                    log.warning("non-finite gradient norm: optimizer step skipped")
                else:
                    grad_norms.append(total)
                _clear_grads(params)
        finally:
            policy.module.eval()
        self.step += 1
        self.policy_version += 1
        if device.type == "cuda":
            metrics.peak("gpu_mem_gb", torch.cuda.max_memory_allocated(device) / 2**30)
        metrics = sync.merge_metrics(metrics)
        elapsed = time.perf_counter() - started
        out = metrics.result(hyper.ppoEpochs, grad_norms, references is not None)
        out.update({
            "learner/trained_tokens": totals.trained_tokens,
            "learner/samples": totals.sequences,
            "learner/skipped_steps": float(skipped),
            "learner/lr": hyper.lr,
            "learner/ranks": float(sync.world_size),
            "learner/step_time_s": elapsed,
            "learner/tokens_per_s": totals.tokens * hyper.ppoEpochs / elapsed if elapsed > 0 else 0.0,
        })
        return out

    def _score(self, batch: TrainBatch, hyper: Hyper, reference: bool = False) -> Scored:
        forward = self.policy.reference_logits if reference else self.policy.forward_logits
        with autocast(self.policy):
            logits = forward(batch.input_ids, batch.attention_mask, batch.position_ids, keep_last=batch.keep_last)
        return score_tokens(logits[:, :-1, :], batch.targets, batch.scoring, hyper.engineLogprobs)

    def _reference_logprobs(self, batch: TrainBatch, hyper: Hyper) -> torch.Tensor:
        with torch.no_grad():
            return self._score(batch, hyper, reference=True).logprobs

    def _micro_batch(
        self,
        batch: TrainBatch,
        hyper: Hyper,
        norm: AggNorm,
        epoch: int,
        k: int,
        before: list[torch.Tensor],
        reference: torch.Tensor | None,
        metrics: StepMetrics | None,
    ) -> None:
        """One micro-batch's forward and backward; `metrics` None marks a padding pass (a sharded
        rank with fewer micro-batches than the others), which runs the same ops at zero weight."""
        scored = self._score(batch, hyper)
        logits, logp = scored.scaled, scored.logprobs
        if epoch == 0:
            before.append(logp.detach())
        logp_before = before[k]
        mask, selected = batch.mask, batch.mask.bool()
        inputs = LossInputs(logp, logp_before, batch.engine_logprobs, batch.advantages, hyper.clipLow, hyper.clipHigh, hyper.tisCap)
        policy_loss = POLICY_LOSSES[hyper.tis](inputs)
        ppo = policy_loss.ppo
        pg = aggregate(policy_loss.loss, mask, hyper.lossAgg, norm)
        loss = pg
        terms = {"pg": pg}
        if hyper.entropyCoef > 0:
            entropy = torch.zeros_like(mask)
            entropy[selected] = entropy_from_logits(logits[selected])
            terms["entropy"] = aggregate(entropy, mask, hyper.lossAgg, norm)
            loss = loss - hyper.entropyCoef * terms["entropy"]
            token_entropy = entropy.detach()[selected]
        else:
            with torch.no_grad():
                token_entropy = entropy_from_logits(logits.detach()[selected])
        kl = None
        if reference is not None:
            kl = kl_penalty(logp, reference, "k3")
            terms["kl"] = aggregate(kl, mask, hyper.lossAgg, norm)
            loss = loss + hyper.klCoef * terms["kl"]
        terms["loss"] = loss
        if metrics is None:
            (loss * 0.0).backward()
            return
        (loss * self.sync.loss_scale).backward()
        with torch.no_grad():
            metrics.losses(terms)
            metrics.every_epoch({
                "ratio": ppo.ratio.detach()[selected],
                "log_ratio": ppo.log_ratio.detach()[selected],
                "clipped": ppo.clipped[selected],
                "clipped_lower": ppo.clipped_lower[selected],
            })
            if epoch == 0:
                weight = tis_weight(logp_before, batch.engine_logprobs, hyper.tisCap)
                first = {
                    "diff": (logp_before - batch.engine_logprobs)[selected],
                    "tis": weight[selected],
                    "tis_capped": ((logp_before - batch.engine_logprobs) > math.log(hyper.tisCap)).float()[selected],
                    "entropy": token_entropy,
                }
                if kl is not None:
                    first["kl"] = kl.detach()[selected]
                metrics.first_epoch(first)


def padding_sample(pad_token_id: int) -> TrainSample:
    """A two-token sample with one trained token, run at zero weight by a padding pass."""
    return TrainSample(tokens=[pad_token_id, pad_token_id], prompt_length=1, loss_mask=[0, 1], logprobs=[0.0, 0.0], advantages=[0.0, 0.0])


def _clear_grads(params: list[torch.nn.Parameter]) -> None:
    for p in params:
        p.grad = None
