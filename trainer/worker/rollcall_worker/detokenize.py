"""The text side of one generated sequence: incremental detokenization and stop strings.

Incremental decoding follows vLLM's window method: decode `ids[prefix:]` and `ids[prefix:read]`,
emit the difference once it no longer ends in U+FFFD (a UTF-8 character split across tokens), and
start the window 5 prompt tokens back so a leading space is not lost at the boundary. The
unary answer's `text` is the concatenation of the same deltas a stream sends, so the two agree by
construction.

Stop strings (vLLM v1 detokenizer): the text is cut before the first match (or after it with
`include_stop_str_in_output`); while streaming, the last `max(len(stop)) - 1` characters are held
back so a partial match is never sent. A sequence ended by EOS or a stop token id does not add
that token's text unless `include_stop_str_in_output` is set.
"""

from __future__ import annotations

from typing import Sequence

from .policy_model import Tokenizer

INITIAL_WINDOW = 5
REPLACEMENT_CHAR = "\ufffd"


class TextTracker:
    def __init__(
        self,
        tokenizer: Tokenizer,
        prompt_ids: Sequence[int],
        skip_special_tokens: bool,
        stop: Sequence[str] = (),
        include_stop: bool = False,
    ) -> None:
        self._tokenizer = tokenizer
        self._skip_special = skip_special_tokens
        self._ids: list[int] = list(prompt_ids[max(len(prompt_ids) - INITIAL_WINDOW, 0) :])
        self._prefix = 0
        self._read = len(self._ids)
        self._stop = tuple(s for s in stop if s)
        self._include_stop = include_stop
        self._hold = max((len(s) for s in self._stop), default=1) - 1 if self._stop and not include_stop else 0
        self._longest_stop = max((len(s) for s in self._stop), default=0)
        self.text = ""
        self._emitted = 0
        self.stopped_by: str | None = None

    def add(self, token_id: int) -> str:
        """Adds a generated token; returns the text that may be sent now. Sets `stopped_by`."""
        before = len(self.text)
        self._ids.append(token_id)
        self._advance(final=False)
        if self._stop and len(self.text) > before:
            self._check_stop(before)
        return self._take(final=self.stopped_by is not None)

    def finish(self) -> str:
        """Flushes what was held back (a trailing partial character, a stop-string buffer)."""
        if self.stopped_by is None:
            before = len(self.text)
            self._advance(final=True)
            if self._stop and len(self.text) > before:
                self._check_stop(before)
        return self._take(final=True)

    def _advance(self, final: bool) -> None:
        window = self._ids[self._prefix :]
        prefix_text = self._tokenizer.decode(self._ids[self._prefix : self._read], self._skip_special)
        new_text = self._tokenizer.decode(window, self._skip_special)
        if len(new_text) > len(prefix_text) and (final or not new_text.endswith(REPLACEMENT_CHAR)):
            self.text += new_text[len(prefix_text) :]
            self._prefix = self._read
            self._read = len(self._ids)

    def _check_stop(self, before: int) -> None:
        start = max(0, before - self._longest_stop + 1)
        hits = [(self.text.find(s, start), s) for s in self._stop]
        hits = [(at, s) for at, s in hits if at >= 0]
        if not hits:
            return
        at, stop = min(hits)
        self.text = self.text[: at + len(stop)] if self._include_stop else self.text[:at]
        self.stopped_by = stop

    def _take(self, final: bool) -> str:
        end = len(self.text) if final else max(self._emitted, len(self.text) - self._hold)
        delta = self.text[self._emitted : end]
        self._emitted = end
        return delta
