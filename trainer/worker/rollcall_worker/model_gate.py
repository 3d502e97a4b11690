"""Exclusive use of the one model by generation steps and training steps (colocated worker).

Policy: training has priority. A training request waits only for the generation step in flight
(one batched forward), then holds the model for the whole step; generation steps wait while a
training step is pending or running. A plain lock would not do: the scheduler re-takes it right
after releasing it, so a waiting trainer could starve. Sequences in flight across a step continue
with the new weights; the proxy pauses and drains calls around a step, so that does not happen in
normal operation.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator


class ModelGate:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generating = False
        self._training = False
        self._trainers_waiting = 0

    @contextlib.contextmanager
    def generation(self) -> Iterator[None]:
        with self._cond:
            while self._training or self._trainers_waiting > 0:
                self._cond.wait()
            self._generating = True
        try:
            yield
        finally:
            with self._cond:
                self._generating = False
                self._cond.notify_all()

    @contextlib.contextmanager
    def training(self) -> Iterator[None]:
        with self._cond:
            self._trainers_waiting += 1
            while self._generating or self._training:
                self._cond.wait()
            self._trainers_waiting -= 1
            self._training = True
        try:
            yield
        finally:
            with self._cond:
                self._training = False
                self._cond.notify_all()
