"""`POST /v1/completions`: one job → sequences for the scheduler → a unary body or an SSE stream.

Choices run across prompts × n (index = prompt × n + j). With a `seed`, choice j of a prompt
samples with seed + j (vLLM's child requests do the same), so a seeded request is reproducible and
its n choices still differ; without one each choice draws a random seed.
"""

from __future__ import annotations

import logging
import queue
import secrets
import time
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any

from .completions_request import CompletionJob, read_completion_job
from .completions_wire import ChoiceResult, StreamState, completion_body, stream_chunk, usage_chunk
from .detokenize import TextTracker
from .errors import WorkerError, error_body
from .http_io import SseWriter, send_json
from .sampling import SeededDraws
from .sequence import ErrorEvent, Sequence, TokenEvent
from .worker import Worker

SEED_MASK = (1 << 63) - 1
log = logging.getLogger("rollcall_worker.generation")


def _sequences(worker: Worker, job: CompletionJob, events: "queue.Queue[TokenEvent | ErrorEvent]") -> list[Sequence]:
    sequences = []
    for prompt in job.prompts:
        for j in range(job.n):
            seed = (job.params.seed + j) & SEED_MASK if job.params.seed is not None else secrets.randbits(63)
            sequences.append(
                Sequence(
                    choice_index=len(sequences),
                    prompt_ids=list(prompt),
                    params=job.params,
                    generator=SeededDraws(seed),
                    text=TextTracker(
                        worker.tokenizer, prompt, job.params.skip_special_tokens, job.params.stop, job.params.include_stop_str_in_output
                    ),
                    events=events,
                    eos_token_ids=worker.tokenizer.eos_token_ids,
                )
            )
    return sequences


def handle_completions(worker: Worker, body: Any, handler: BaseHTTPRequestHandler) -> None:
    job = read_completion_job(body, worker.tokenizer, worker.served_name, worker.vocab_size, worker.policy.max_model_len)
    events: "queue.Queue[TokenEvent | ErrorEvent]" = queue.Queue()
    sequences = _sequences(worker, job, events)
    choices = [ChoiceResult(index=s.choice_index, prompt_ids=s.prompt_ids) for s in sequences]
    response_id = f"cmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    worker.scheduler.submit(sequences)
    if job.stream:
        _stream(worker, job, handler, sequences, choices, events, response_id, created)
        return
    remaining = len(sequences)
    while remaining:
        event = events.get()
        if isinstance(event, ErrorEvent):
            for sequence in sequences:
                sequence.cancelled.set()
            raise WorkerError(500, event.message)
        choice = choices[event.choice_index]
        choice.token_ids.append(event.token_id)
        choice.logprobs.append(event.logprob)
        choice.top.append(event.top)
        choice.text += event.text
        if event.finish_reason is not None:
            choice.finish_reason, choice.stop_reason = event.finish_reason, event.stop_reason
            remaining -= 1
    send_json(handler, 200, completion_body(worker.tokenizer, job, response_id, created, choices))


def _stream(
    worker: Worker,
    job: CompletionJob,
    handler: BaseHTTPRequestHandler,
    sequences: list[Sequence],
    choices: list[ChoiceResult],
    events: "queue.Queue[TokenEvent | ErrorEvent]",
    response_id: str,
    created: int,
) -> None:
    states = [StreamState() for _ in choices]
    remaining = len(sequences)
    writer = SseWriter(handler)  # headers sent: from here on, failures are stream events
    try:
        while remaining:
            event = events.get()
            if isinstance(event, ErrorEvent):
                writer.event(error_body(500, event.message))
                break
            choice = choices[event.choice_index]
            choice.token_ids.append(event.token_id)
            writer.event(
                stream_chunk(
                    worker.tokenizer, job, response_id, created, choice, states[event.choice_index],
                    [event.token_id], [event.logprob], [event.top], event.text, event.finish_reason, event.stop_reason,
                )
            )
            if event.finish_reason is not None:
                remaining -= 1
        else:
            if job.include_usage:
                writer.event(usage_chunk(job, response_id, created, choices))
        writer.done()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client went away: stop generating for it
    except Exception as error:  # noqa: BLE001 — the status line is sent; say it in the stream
        log.exception("stream failed")
        try:
            writer.event(error_body(500, f"{type(error).__name__}: {error}"))
            writer.done()
        except OSError:
            pass
    finally:
        for sequence in sequences:
            sequence.cancelled.set()
