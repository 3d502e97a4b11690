"""BpeTokenizer's folder handling: EOS and pad ids, chat template selection and rendering, special
tokens, saving. Its ids against @huggingface/tokenizers are checked by
test/integration/trainer/bpe-tokenizer-parity.test.ts."""

import json
import shutil
import tempfile
import unittest
from pathlib import Path

from rollcall_worker.bpe_pretokenize import UnsupportedTokenizer
from rollcall_worker.bpe_tokenizer import BpeTokenizer
from rollcall_worker.chat_template import tokenize
from rollcall_worker.errors import WorkerError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tokenizers" / "qwen2-tiny"
IM_END, ENDOFTEXT, TOOL_CALL = 286, 284, 287


class Folder:
    """A temporary copy of the fixture whose JSON files a test edits."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="rollcall-bpe-"))
        shutil.copytree(FIXTURE, self.dir, dirs_exist_ok=True)

    def edit(self, name: str, change) -> "Folder":
        path = self.dir / name
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")
        return self

    def load(self) -> BpeTokenizer:
        return BpeTokenizer.from_folder(self.dir)

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class BpeTokenizerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.folder = Folder()
        self.addCleanup(self.folder.close)

    def test_eos_is_the_config_eos_and_the_generation_config_ids(self) -> None:
        plain = self.folder.load()
        self.assertEqual(plain.eos_token_ids, frozenset({IM_END}))
        self.assertEqual(plain.pad_token_id, ENDOFTEXT)
        self.folder.edit("generation_config.json", lambda c: c.update(eos_token_id=[IM_END, ENDOFTEXT]))
        self.assertEqual(self.folder.load().eos_token_ids, frozenset({IM_END, ENDOFTEXT}))

    def test_special_tokens_are_skipped_but_tool_tags_kept(self) -> None:
        tok = self.folder.load()
        ids = tok.encode("<|im_start|>assistant\n<tool_call>x</tool_call><|im_end|>", False)
        self.assertEqual(tok.decode(ids, True), "assistant\n<tool_call>x</tool_call>")
        self.assertEqual(tok.token_string(IM_END), "<|im_end|>")
        self.assertEqual(tok.vocab_size, 293)

    def test_a_lone_byte_of_a_character_decodes_to_the_replacement_character_and_unknown_ids_to_nothing(self) -> None:
        tok = self.folder.load()
        first, second = tok.encode("é", False)
        self.assertEqual(tok.token_string(first), "\ufffd")
        self.assertEqual(tok.decode([first, second, 5000], False), "é")

    def test_add_special_tokens_applies_a_template_processor(self) -> None:
        self.assertEqual(self.folder.load().encode("Hi", True), [72, 105], "Qwen2 adds nothing")
        self.folder.edit("tokenizer.json", lambda t: t.update(post_processor={
            "type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "special_tokens": {"<|endoftext|>": {"id": "<|endoftext|>", "ids": [ENDOFTEXT], "tokens": ["<|endoftext|>"]}}}))
        tok = self.folder.load()
        self.assertEqual(tok.encode("Hi", True), [ENDOFTEXT, 72, 105])
        self.assertEqual(tok.encode("Hi", False), [72, 105])

    def test_continue_final_message_ends_the_text_after_the_final_content(self) -> None:
        tok = self.folder.load()
        messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "The answer is "}]
        text = tok.render_chat(messages, None, False, True, {})
        self.assertTrue(text.endswith("<|im_start|>assistant\nThe answer is "), text)

    def test_a_raised_template_exception_is_a_bad_request(self) -> None:
        tok = self.folder.load()
        with self.assertRaises(WorkerError) as caught:
            tokenize({"messages": [{"role": "narrator", "content": "x"}]}, tok, 4096)
        self.assertEqual(caught.exception.status, 400)
        self.assertIn("Unsupported message role: narrator", str(caught.exception))

    def test_named_templates_pick_tool_use_when_tools_are_given(self) -> None:
        self.folder.edit("tokenizer_config.json", lambda c: c.update(chat_template=[
            {"name": "default", "template": "plain {{ messages | length }}"},
            {"name": "tool_use", "template": "tools {{ tools | length }}{% generation %} gen{% endgeneration %}"}]))
        tok = self.folder.load()
        self.assertEqual(tok.render_chat([{"role": "user", "content": "x"}], None, True, False, {}), "plain 1")
        self.assertEqual(tok.render_chat([], [{"type": "function"}], True, False, {}), "tools 1 gen")

    def test_chat_template_jinja_wins_and_sees_the_special_tokens(self) -> None:
        (self.folder.dir / "chat_template.jinja").write_text("{{ eos_token }}|{{ pad_token }}|{{ flag }}", encoding="utf-8")
        self.assertEqual(self.folder.load().render_chat([], None, True, False, {"flag": 7}), "<|im_end|>|<|endoftext|>|7")

    def test_save_writes_a_folder_that_loads_to_the_same_tokenizer(self) -> None:
        tok = self.folder.load()
        out = Path(tempfile.mkdtemp(prefix="rollcall-bpe-saved-"))
        self.addCleanup(shutil.rmtree, out, True)
        tok.save(out)
        again = BpeTokenizer.from_folder(out)
        text = "<|im_start|>user\nthe 12 apples<|im_end|>"
        self.assertEqual(again.encode(text, False), tok.encode(text, False))
        self.assertEqual(sorted(p.name for p in out.iterdir()), ["tokenizer.json", "tokenizer_config.json"])

    def test_components_outside_byte_level_bpe_are_refused(self) -> None:
        self.folder.edit("tokenizer.json", lambda t: t.update(pre_tokenizer={"type": "Metaspace", "replacement": "▁"}))
        with self.assertRaisesRegex(UnsupportedTokenizer, "Metaspace"):
            self.folder.load()

    def test_clean_up_tokenization_spaces_when_the_config_asks(self) -> None:
        self.folder.edit("tokenizer_config.json", lambda c: c.update(clean_up_tokenization_spaces=True))
        tok = self.folder.load()
        self.assertEqual(tok.decode(tok.encode("yes , it is .", False), False), "yes, it is.")


if __name__ == "__main__":
    unittest.main()
