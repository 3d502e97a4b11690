"""Splits a step's samples over the learner ranks so that each gets about the same number of tokens.

A rank's forward and backward cost grows with the tokens it holds, and the step waits for the
slowest rank, so the split balances tokens (prompts included), not samples: longest first, each to
the rank with the fewest tokens so far (greedy longest-processing-time scheduling, within 4/3 of
the best split). The loss does not depend on the split: every rank normalises by the whole batch's
totals (train_step.py `BatchTotals`).
"""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar

T = TypeVar("T")


def split_by_tokens(samples: Sequence[T], parts: int, length: Callable[[T], int]) -> list[list[T]]:
    shares: list[list[T]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for sample in sorted(samples, key=length, reverse=True):
        k = min(range(parts), key=lambda i: (loads[i], len(shares[i]), i))
        shares[k].append(sample)
        loads[k] += length(sample)
    return shares
