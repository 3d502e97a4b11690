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
"""

from __future__ import annotations

import logging
import math
import time

import torch

from .collate import TrainBatch, collate, micro_batches
from .losses import AggNorm, aggregate, entropy_from_logits, kl_penalty, tis_weight
from .policy_loss import POLICY_LOSSES, LossInputs
from .policy_model import PolicyModel, autocast
from .scoring import Scored, score_tokens
from .train_metrics import StepMetrics
from .train_request import Hyper, TrainSample

log = logging.getLogger("rollcall_worker.learner")


class Learner:
    def __init__(self, policy: PolicyModel, pad_token_id: int, weight_decay: float = 0.01) -> None:
        self.policy = policy
        self.pad_token_id = pad_token_id
        self.weight_decay = weight_decay
        self.optimizer: torch.optim.Optimizer | None = None
        self.policy_version = 0
        self.step = 0

    def ensure_optimizer(self, lr: float = 1e-6) -> torch.optim.Optimizer:
        """AdamW over the trainable parameters, created once; its state lives across steps."""
        if self.optimizer is None:
            params = self.policy.trainable_parameters()
            self.optimizer = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=self.weight_decay)
        return self.optimizer

    def train_step(self, samples: list[TrainSample], hyper: Hyper) -> dict[str, float]:
        started = time.perf_counter()
        policy = self.policy
        device = policy.device
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        optimizer = self.ensure_optimizer(hyper.lr)
        for group in optimizer.param_groups:
            group["lr"] = hyper.lr
        batches = [collate(group, self.pad_token_id).to(device) for group in micro_batches(samples, hyper.microBatchSize)]
        norm = AggNorm(
            total_tokens=float(sum(sum(s.loss_mask) for s in samples)),
            total_sequences=float(len(samples)),
            loss_scale_factor=float(hyper.lossScaleFactor or 1.0),
        )
        references = [self._reference_logprobs(b, hyper) for b in batches] if hyper.klCoef > 0 else None
        metrics = StepMetrics()
        before: list[torch.Tensor] = []
        grad_norms: list[float] = []
        skipped = 0
        policy.module.train()
        try:
            for epoch in range(hyper.ppoEpochs):
                optimizer.zero_grad(set_to_none=True)
                for k, batch in enumerate(batches):
                    reference = references[k] if references is not None else None
                    self._micro_batch(batch, hyper, norm, epoch, k, before, reference, metrics)
                total = torch.nn.utils.clip_grad_norm_(policy.trainable_parameters(), hyper.gradClip)
                if torch.isfinite(total):
                    optimizer.step()
                    grad_norms.append(float(total))
                else:
                    skipped += 1
                    log.warning("non-finite gradient norm: optimizer step skipped")
                optimizer.zero_grad(set_to_none=True)
        finally:
            policy.module.eval()
        self.step += 1
        self.policy_version += 1
        elapsed = time.perf_counter() - started
        out = metrics.result(hyper.ppoEpochs, grad_norms, references is not None)
        processed = sum(len(s.tokens) for s in samples) * hyper.ppoEpochs
        out.update({
            "learner/trained_tokens": norm.total_tokens,
            "learner/samples": float(len(samples)),
            "learner/skipped_steps": float(skipped),
            "learner/lr": hyper.lr,
            "learner/step_time_s": elapsed,
            "learner/tokens_per_s": processed / elapsed if elapsed > 0 else 0.0,
        })
        if device.type == "cuda":
            out["learner/gpu_mem_gb"] = torch.cuda.max_memory_allocated(device) / 2**30
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
        metrics: StepMetrics,
    ) -> None:
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
        loss.backward()
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
