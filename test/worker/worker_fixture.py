"""Builds a worker around the tiny model and generates token-exact samples with it."""

from __future__ import annotations

import queue

from rollcall_worker.detokenize import TextTracker
from rollcall_worker.sampling import SamplingParams, make_generator
from rollcall_worker.scoring import SampleScoring
from rollcall_worker.sequence import Sequence
from rollcall_worker.train_request import TrainSample
from rollcall_worker.worker import Worker, build_worker
from tiny_policy import CharTokenizer, TinyPolicy


def tiny_worker(seed: int = 0, **options) -> Worker:
    return build_worker(TinyPolicy(seed=seed), CharTokenizer(), "tiny", **options)


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
        sequences.append(Sequence(i, prompt_ids, params, make_generator(seed + i, worker.policy.device),
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
