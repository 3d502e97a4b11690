"""Samples → padded tensors for one micro-batch, with targets shifted onto logit positions.

Alignment: the logits at position t predict token t+1, so the logprob of token t comes from the
logits at t−1. Per-token arrays of a sample (`lossMask`, engine `logprobs`, `advantages`, indexed
like `tokens`) therefore move one to the left: column j of `targets`, `mask`, `engine_logprobs`
and `advantages` describes token j+1 and is scored with logits column j. Token 0 is never scored
(validation refuses a trained first token).

Rows are right-padded (positions are plain 0..len−1; padding is masked and, being at the end of a
causal sequence, never seen by real tokens). Columns before the first trained target of the
micro-batch are dropped from the per-token tensors, and `keep_last` tells the model how many last
logit positions to produce, so long prompts cost no LM-head memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .scoring import ScoringTensors
from .train_request import TrainSample


@dataclass
class TrainBatch:
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    position_ids: torch.Tensor
    targets: torch.Tensor
    mask: torch.Tensor
    engine_logprobs: torch.Tensor
    advantages: torch.Tensor
    scoring: ScoringTensors
    """Each row's sampling settings, as the learner scores its tokens (scoring.py)."""
    keep_last: int
    """Logit positions to keep from the end; the last one (predicting nothing) is dropped after."""

    def to(self, device: torch.device) -> "TrainBatch":
        moved = {name: getattr(self, name).to(device) for name in
                 ("input_ids", "attention_mask", "position_ids", "targets", "mask", "engine_logprobs", "advantages")}
        return TrainBatch(**moved, scoring=self.scoring.to(device), keep_last=self.keep_last)


def collate(samples: list[TrainSample], pad_token_id: int) -> TrainBatch:
    width = max(len(s.tokens) for s in samples)
    rows = len(samples)
    input_ids = torch.full((rows, width), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros((rows, width), dtype=torch.long)
    mask = torch.zeros((rows, width - 1), dtype=torch.float32)
    engine = torch.zeros((rows, width - 1), dtype=torch.float32)
    advantages = torch.zeros((rows, width - 1), dtype=torch.float32)
    targets = torch.full((rows, width - 1), pad_token_id, dtype=torch.long)
    for i, s in enumerate(samples):
        n = len(s.tokens)
        input_ids[i, :n] = torch.tensor(s.tokens, dtype=torch.long)
        attention_mask[i, :n] = 1
        targets[i, : n - 1] = input_ids[i, 1:n]
        mask[i, : n - 1] = torch.tensor(s.loss_mask[1:], dtype=torch.float32)
        engine[i, : n - 1] = torch.tensor(s.logprobs[1:], dtype=torch.float32)
        advantages[i, : n - 1] = torch.tensor(s.advantages[1:], dtype=torch.float32)
    first = int(mask.any(dim=0).float().argmax().item())
    position_ids = torch.arange(width, dtype=torch.long).unsqueeze(0).expand(rows, width).contiguous()
    return TrainBatch(
        input_ids=input_ids,
        attention_mask=attention_mask,
        position_ids=position_ids,
        targets=targets[:, first:],
        mask=mask[:, first:],
        engine_logprobs=engine[:, first:],
        advantages=advantages[:, first:],
        scoring=ScoringTensors.of([s.scoring for s in samples]),
        keep_last=width - first,
    )


def micro_batches(samples: list[TrainSample], size: int) -> list[list[TrainSample]]:
    """Groups samples of similar length (sorted by length) so padding stays small; the loss is a
    sum of per-sample terms over batch-wide normalisers, so the order does not change it."""
    ordered = sorted(samples, key=lambda s: len(s.tokens))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]
