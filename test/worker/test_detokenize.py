"""Incremental detokenization and stop strings (the text side of a sequence)."""

import unittest
from typing import Sequence

from rollcall_worker.detokenize import TextTracker
from tiny_policy import CharTokenizer


class ByteTokenizer:
    """Ids are UTF-8 bytes, so one character can span several tokens."""

    def decode(self, ids: Sequence[int], skip_special_tokens: bool) -> str:
        return bytes(ids).decode("utf-8", errors="replace")


class TextTrackerTest(unittest.TestCase):
    def feed(self, tracker: TextTracker, ids: list[int]) -> list[str]:
        deltas = []
        for token in ids:
            deltas.append(tracker.add(token))
            if tracker.stopped_by:
                break
        deltas.append(tracker.finish())
        return deltas

    def test_split_utf8_character_is_held_until_complete(self) -> None:
        ids = list("aé€b".encode())
        deltas = self.feed(TextTracker(ByteTokenizer(), list(b"x"), True), ids)
        self.assertNotIn("\ufffd", "".join(deltas))
        self.assertEqual("".join(deltas), "aé€b")
        self.assertEqual(deltas[:4], ["a", "", "é", ""])

    def test_special_tokens_are_skipped_but_tool_tags_kept(self) -> None:
        tok = CharTokenizer()
        ids = tok.encode("<tool_call>{}</tool_call><eos>", False)
        deltas = self.feed(TextTracker(tok, tok.encode("<|assistant|>", False), True), ids)
        self.assertEqual("".join(deltas), "<tool_call>{}</tool_call>")

    def test_stop_string_cuts_the_text_and_is_never_streamed(self) -> None:
        tok = CharTokenizer()
        tracker = TextTracker(tok, [5], True, stop=["END"])
        deltas = self.feed(tracker, tok.encode("abcENDxyz", False))
        self.assertEqual(tracker.stopped_by, "END")
        self.assertEqual("".join(deltas), "abc")
        self.assertFalse(any("E" in d for d in deltas))

    def test_stop_string_kept_when_asked(self) -> None:
        tok = CharTokenizer()
        tracker = TextTracker(tok, [5], True, stop=["EN"], include_stop=True)
        self.assertEqual("".join(self.feed(tracker, tok.encode("abENd", False))), "abEN")

    def test_held_back_text_is_flushed_at_the_end(self) -> None:
        tok = CharTokenizer()
        tracker = TextTracker(tok, [5], True, stop=["XYZ"])
        deltas = self.feed(tracker, tok.encode("abcXY", False))
        self.assertIsNone(tracker.stopped_by)
        self.assertEqual("".join(deltas), "abcXY")
        self.assertEqual(deltas[-1], "XY")


if __name__ == "__main__":
    unittest.main()
