"""Builds a worker around the tiny model and generates token-exact samples with it."""

from __future__ import annotations

import os
import queue
from pathlib import Path

import torch

from rollcall_worker.detokenize import TextTracker
from rollcall_worker.sampling import SamplingParams, SeededDraws
from rollcall_worker.scoring import SampleScoring
from rollcall_worker.sequence import Sequence
from rollcall_worker.train_request import TrainSample
from rollcall_worker.worker import Worker, build_worker
from rollcall_worker.native.safetensors_io import read_folder
from native_fixture import BiasedNativePolicy, tiny_native_policy
from tiny_policy import EOS, VOCAB, CharTokenizer, TinyPolicy

POLICY = os.environ.get("ROLLCALL_TEST_POLICY", "tiny")
"""Which model the suite's workers run: `tiny` (TinyPolicy, the no-cache generator, as the
transformers path generates) or `native` (a tiny native Qwen2 with the KV-cache batcher).
scripts/test-worker.sh runs the suite once with each."""


def weight_files() -> list[str]:
    """What `save_weights` of the suite's policy writes (besides the tokenizer's file)."""
    return ["config.json", "generation_config.json", "model.safetensors"] if POLICY == "native" else ["tiny-model.pt"]


def saved_weights(path: Path) -> dict[str, torch.Tensor]:
    """The tensors a `save_weights` folder of the suite's policy holds, by parameter name."""
    return read_folder(path) if POLICY == "native" else torch.load(path / "tiny-model.pt")


def suite_policy(seed: int = 0) -> TinyPolicy | BiasedNativePolicy:
    """The suite's model with the random weights of `seed` (the same bits on every call)."""
    if POLICY == "native":
        return tiny_native_policy(seed, len(VOCAB), EOS)
    return TinyPolicy(seed=seed)


def tiny_worker(seed: int = 0, **options) -> Worker:
    return build_worker(suite_policy(seed), CharTokenizer(), "tiny", **options)


def generate(worker: Worker, prompt: str, max_tokens: int, seed: int, temperature: float = 1.0, **sampling) -> Sequence:
    """Generates one choice by stepping the scheduler in this thread (no scheduler thread)."""
    return generate_together(worker, [(prompt, max_tokens)], seed, temperature, **sampling)[0]


def generate_together(worker: Worker, jobs: list[tuple[str, int]], seed: int, temperature: float = 1.0, **sampling) -> list[Sequence]:
    """Generates several choices in shared (left-padded) batches, stepping the scheduler here;
    `sampling` takes other SamplingParams fields (top_p, top_k)."""
    tokenizer = worker.tokenizer
    sequences = []
    for i, (prompt, max_tokens) in enumerate(jobs):
        prompt_ids = tokenizer.encode(prompt, False)
        params = SamplingParams(max_tokens=max_tokens, temperature=temperature, seed=seed + i, ignore_eos=True, **sampling)
        sequences.append(Sequence(i, prompt_ids, params, SeededDraws(seed + i),
                                  TextTracker(tokenizer, prompt_ids, True), queue.Queue(), tokenizer.eos_token_ids))
    worker.scheduler.submit(sequences)
    while not all(s.is_finished for s in sequences):
        worker.scheduler.step()
    return sequences


def as_sample(sequence: Sequence, advantage: float) -> TrainSample:
    """prompt + completion, the completion trained with its engine logprobs and one advantage,
    carrying the sampling settings it was generated with (as the trainer sends them)."""
    n_prompt, n_out = len(sequence.prompt_ids), len(sequence.output_ids)
    params = sequence.params
    return TrainSample(
        tokens=sequence.prompt_ids + sequence.output_ids,
        prompt_length=n_prompt,
        loss_mask=[0] * n_prompt + [1] * n_out,
        logprobs=[0.0] * n_prompt + sequence.output_logprobs,
        advantages=[0.0] * n_prompt + [advantage] * n_out,
        scoring=SampleScoring(temperature=params.temperature, top_p=params.top_p, top_k=params.top_k),
    )


def as_wire(sample: TrainSample) -> dict:
    scoring = sample.scoring
    return {"tokens": sample.tokens, "promptLength": sample.prompt_length, "lossMask": sample.loss_mask,
            "logprobs": sample.logprobs, "advantages": sample.advantages,
            "sampling": {"temperature": scoring.temperature, "topP": scoring.top_p, "topK": scoring.top_k}}
