"""`POST /train/step` body validation: samples and hyper-parameters.

Sample rules are the contract pinned by test/fake-learner/fake-learner.ts, checked in its order
with its messages (400, naming the sample index): arrays present; equal lengths; promptLength in
[0, len]; mask 0/1; at least one trained token; no advantage on a masked token. The worker adds
what a real model needs: integer token ids inside the vocabulary, a length within max_model_len,
no trained first token (nothing predicts it), finite logprobs and advantages, and a non-empty batch.

Each sample may carry `sampling: {temperature, topP, topK}`, the settings its rollout sampled with
(src/wire/learner.ts); the learner scores its tokens with them (scoring.py). Absent fields mean
temperature 1, top-p 1, top-k off. Checked: temperature ≥ 0, 0 < topP ≤ 1, topK an integer.

Hyper-parameters are those the trainer sends (trainer/config/learner-hyper.ts), with its defaults.
`lossScaleFactor` is required with `lossAgg: seq-mean-token-sum-norm`. Unknown keys are ignored with
a warning, which the answer repeats under `warnings`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from .errors import bad_request
from .losses import LOSS_AGG_MODES
from .policy_loss import TIS_MODES
from .scoring import ENGINE_LOGPROBS, SampleScoring


@dataclass(frozen=True)
class TrainSample:
    tokens: list[int]
    prompt_length: int
    loss_mask: list[int]
    logprobs: list[float]
    advantages: list[float]
    scoring: SampleScoring = SampleScoring()


@dataclass(frozen=True)
class Hyper:
    lr: float = 1e-6
    clipLow: float = 0.2
    clipHigh: float = 0.28
    tisCap: float = 2.0
    klCoef: float = 0.0
    entropyCoef: float = 0.0
    microBatchSize: int = 4
    gradClip: float = 1.0
    ppoEpochs: int = 1
    lossAgg: str = "token-mean"
    lossScaleFactor: float | None = None
    tis: str = "bypass"
    engineLogprobs: str = "full"


_POSITIVE = {"lr", "tisCap", "gradClip", "microBatchSize", "ppoEpochs", "lossScaleFactor"}
_INTEGER = {"microBatchSize", "ppoEpochs"}
_CHOICES = {"lossAgg": LOSS_AGG_MODES, "tis": TIS_MODES, "engineLogprobs": ENGINE_LOGPROBS}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def sample_problem(sample: Any, i: int, vocab_size: int, max_model_len: int) -> str | None:
    if not isinstance(sample, dict):
        return f"samples[{i}]: missing arrays"
    tokens, prompt_length = sample.get("tokens"), sample.get("promptLength")
    mask, logprobs, advantages = sample.get("lossMask"), sample.get("logprobs"), sample.get("advantages")
    if not all(isinstance(a, list) for a in (tokens, mask, logprobs, advantages)):
        return f"samples[{i}]: missing arrays"
    if not all(len(a) == len(tokens) for a in (mask, logprobs, advantages)):
        return f"samples[{i}]: array lengths differ"
    if not _is_number(prompt_length) or prompt_length < 0 or prompt_length > len(tokens) or prompt_length != int(prompt_length):
        return f"samples[{i}]: bad promptLength"
    if any(m != 0 and m != 1 for m in mask):
        return f"samples[{i}]: loss mask not 0/1"
    if all(m == 0 for m in mask):
        return f"samples[{i}]: nothing to train"
    if any(m == 0 and a != 0 for m, a in zip(mask, advantages)):
        return f"samples[{i}]: advantage on a masked token"
    if not all(isinstance(t, int) and not isinstance(t, bool) and 0 <= t < vocab_size for t in tokens):
        return f"samples[{i}]: token ids must be integers in [0, {vocab_size})"
    if len(tokens) > max_model_len:
        return f"samples[{i}]: {len(tokens)} tokens exceed max_model_len {max_model_len}"
    if mask[0] == 1:
        return f"samples[{i}]: the first token cannot be trained (no position predicts it)"
    if not all(_is_number(v) for v in logprobs) or not all(_is_number(v) for v in advantages):
        return f"samples[{i}]: logprobs and advantages must be finite numbers"
    return _sampling_problem(sample.get("sampling"), i)


def _sampling_problem(sampling: Any, i: int) -> str | None:
    if sampling is None:
        return None
    if not isinstance(sampling, dict):
        return f"samples[{i}]: sampling must be an object"
    temperature, top_p, top_k = sampling.get("temperature"), sampling.get("topP"), sampling.get("topK")
    if temperature is not None and not (_is_number(temperature) and temperature >= 0):
        return f"samples[{i}]: sampling.temperature must be a number ≥ 0"
    if top_p is not None and not (_is_number(top_p) and 0 < top_p <= 1):
        return f"samples[{i}]: sampling.topP must be in (0, 1]"
    if top_k is not None and not (_is_number(top_k) and top_k == int(top_k)):
        return f"samples[{i}]: sampling.topK must be an integer"
    return None


def _scoring(sampling: dict[str, Any] | None) -> SampleScoring:
    given = {k: v for k, v in (sampling or {}).items() if v is not None}
    return SampleScoring(
        temperature=float(given.get("temperature", 1.0)),
        top_p=float(given.get("topP", 1.0)),
        top_k=int(given.get("topK", 0)),
    )


def read_samples(raw: Any, vocab_size: int, max_model_len: int) -> list[TrainSample]:
    if not isinstance(raw, list):
        raise bad_request("samples: expected an array", "samples")
    if not raw:
        raise bad_request("samples: the batch is empty", "samples")
    for i, sample in enumerate(raw):
        problem = sample_problem(sample, i, vocab_size, max_model_len)
        if problem is not None:
            raise bad_request(problem, "samples")
    return [
        TrainSample(
            tokens=s["tokens"],
            prompt_length=int(s["promptLength"]),
            loss_mask=[int(m) for m in s["lossMask"]],
            logprobs=[float(v) for v in s["logprobs"]],
            advantages=[float(v) for v in s["advantages"]],
            scoring=_scoring(s.get("sampling")),
        )
        for s in raw
    ]


def read_hyper(raw: Any) -> tuple[Hyper, list[str]]:
    """The step's hyper-parameters and warnings for keys the worker does not know."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise bad_request("hyper: expected an object", "hyper")
    known = {f.name: f for f in fields(Hyper)}
    warnings = [f"hyper.{key}: unknown key, ignored" for key in raw if key not in known]
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in known or value is None:
            continue
        if name in _CHOICES:
            if value not in _CHOICES[name]:
                raise bad_request(f"hyper.{name}: expected one of {', '.join(_CHOICES[name])}", f"hyper.{name}")
        elif not _is_number(value) or value < 0 or (name in _POSITIVE and value <= 0):
            raise bad_request(f"hyper.{name}: expected a {'positive' if name in _POSITIVE else 'non-negative'} number", f"hyper.{name}")
        elif name in _INTEGER:
            if value != int(value):
                raise bad_request(f"hyper.{name}: expected an integer", f"hyper.{name}")
            value = int(value)
        else:
            value = float(value)
        values[name] = value
    hyper = Hyper(**values)
    if hyper.lossAgg == "seq-mean-token-sum-norm" and hyper.lossScaleFactor is None:
        raise bad_request(
            "hyper.lossScaleFactor: required with lossAgg seq-mean-token-sum-norm (Dr. GRPO's constant divisor, e.g. the maximum response length)",
            "hyper.lossScaleFactor",
        )
    return hyper, warnings
