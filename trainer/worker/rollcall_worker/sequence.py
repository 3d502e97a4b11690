"""One generated choice in flight: its ids, logprobs, text, and where its events go."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field

from .detokenize import TextTracker
from .sampling import SamplingParams, SeededDraws


@dataclass
class TokenEvent:
    """What one scheduler step produced for one choice (one stream chunk)."""

    choice_index: int
    token_id: int
    logprob: float
    top: list[tuple[int, float]]
    text: str
    finish_reason: str | None = None
    stop_reason: str | int | None = None


@dataclass
class ErrorEvent:
    """The scheduler failed while this choice was in flight (an OOM, a bad kernel)."""

    choice_index: int
    message: str


@dataclass
class Sequence:
    choice_index: int
    prompt_ids: list[int]
    params: SamplingParams
    generator: SeededDraws
    text: TextTracker
    events: "queue.Queue[TokenEvent | ErrorEvent]"
    eos_token_ids: frozenset[int]
    output_ids: list[int] = field(default_factory=list)
    output_logprobs: list[float] = field(default_factory=list)
    finish_reason: str | None = None
    stop_reason: str | int | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)

    @property
    def length(self) -> int:
        return len(self.prompt_ids) + len(self.output_ids)

    @property
    def is_finished(self) -> bool:
        return self.finish_reason is not None

    def accept(self, token_id: int, logprob: float, top: list[tuple[int, float]]) -> TokenEvent:
        """Appends a sampled token and decides whether the sequence ends (vLLM's check order:
        EOS, stop token ids, stop strings, then the length budget)."""
        self.output_ids.append(token_id)
        self.output_logprobs.append(logprob)
        params = self.params
        if not params.ignore_eos and token_id in self.eos_token_ids:
            self._finish("stop", None)
        elif token_id in params.stop_token_ids:
            self._finish("stop", token_id)
        terminated_by_token = self.is_finished
        if terminated_by_token and not params.include_stop_str_in_output:
            delta = self.text.finish()
        else:
            delta = self.text.add(token_id)
            if self.text.stopped_by is not None and not self.is_finished:
                self._finish("stop", self.text.stopped_by)
            elif not self.is_finished and len(self.output_ids) >= params.max_tokens:
                self._finish("length", None)
            if self.is_finished and self.text.stopped_by is None:
                delta += self.text.finish()
        return TokenEvent(self.choice_index, token_id, logprob, top, delta, self.finish_reason, self.stop_reason)

    def _finish(self, reason: str, stop_reason: str | int | None) -> None:
        self.finish_reason = reason
        self.stop_reason = stop_reason
