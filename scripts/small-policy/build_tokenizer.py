"""Byte-level BPE tokenizer trained on the demo corpus, with a Qwen2.5-style ChatML + hermes chat template.

    python3 scripts/small-policy/build_tokenizer.py OUT_DIR [--vocab 3072]

Added tokens: <|endoftext|> <|im_start|> <|im_end|> (special; <|im_end|> is EOS, <|endoftext|> pad)
and <tool_call> </tool_call> <tool_response> </tool_response> <think> </think> (not special, so
they survive skip_special_tokens, as in Qwen). Digits are split one per token (as Qwen2 does).
`render()` renders the template with jinja2 exactly as transformers does (tojson without ASCII
escaping), fast enough to find assistant spans for every demo.
"""

from __future__ import annotations

import json
import os
import sys

SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
ADDED = ["<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>", "<think>", "</think>"]

# Qwen2.5's template (tools in the system turn, hermes tool calls, tool results as <tool_response>
# inside a user turn); arguments that are already a JSON string pass through, mappings go through tojson.
CHAT_TEMPLATE = r"""{%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are a helpful assistant.' }}
    {%- endif %}
    {{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
    {%- for tool in tools %}
        {{- "\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
    {%- else %}
        {{- '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\n' + (message.content or '') + '<|im_end|>' + '\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\n<tool_call>\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {%- if tool_call.arguments is string %}
                {{- tool_call.arguments }}
            {%- else %}
                {{- tool_call.arguments | tojson }}
            {%- endif %}
            {{- '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\n<tool_response>\n' }}
        {{- message.content }}
        {{- '\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
"""

_compiled = None


def render(messages, tools=None, add_generation_prompt=False) -> str:
    """The chat template rendered with jinja2 the way transformers does it."""
    global _compiled
    if _compiled is None:
        from jinja2.sandbox import ImmutableSandboxedEnvironment
        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(
            x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
        _compiled = env.from_string(CHAT_TEMPLATE)
    return _compiled.render(messages=messages, tools=tools, add_generation_prompt=add_generation_prompt)


def assistant_spans(messages, tools) -> tuple[str, list[tuple[int, int]]]:
    """Full text and the (start, end) character spans of every assistant turn's generated part (content, tool calls, <|im_end|>)."""
    full = render(messages, tools)
    spans = []
    for i, m in enumerate(messages):
        if m["role"] != "assistant":
            continue
        pre = render(messages[:i], tools, add_generation_prompt=True)
        upto = render(messages[:i + 1], tools)
        assert full.startswith(upto) and upto.startswith(pre) and upto.endswith("<|im_end|>\n"), "template is not prefix-stable"
        spans.append((len(pre), len(upto) - 1))
    return full, spans


def build(texts, folder: str, vocab_size: int = 3072):
    """Trains the BPE on `texts`, saves a Hugging Face tokenizer folder and returns the loaded tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False)])
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL + ADDED, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    bpe.train_from_iterator(texts, trainer)
    tj = json.loads(bpe.to_str())
    for t in tj["added_tokens"]:
        t["special"] = t["content"] in SPECIAL
    bpe = Tokenizer.from_str(json.dumps(tj))
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>", unk_token=None,
                                  model_max_length=2048, clean_up_tokenization_spaces=False)
    tok.chat_template = CHAT_TEMPLATE
    os.makedirs(folder, exist_ok=True)
    tok.save_pretrained(folder)
    cfg_path = os.path.join(folder, "tokenizer_config.json")  # keep the template in tokenizer_config.json too (transformers 5 may write chat_template.jinja only)
    cfg = json.load(open(cfg_path))
    cfg["chat_template"] = CHAT_TEMPLATE
    cfg.setdefault("model_max_length", 2048)
    json.dump(cfg, open(cfg_path, "w"), indent=2, ensure_ascii=False)
    from transformers import AutoTokenizer
    return AutoTokenizer.from_pretrained(folder)


if __name__ == "__main__":
    import argparse
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from demos import TOOL, make_demos
    from problems import make_set
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("--vocab", type=int, default=3072)
    args = ap.parse_args()
    demos = make_demos(make_set(2000, "train", "train", 0), 0.4, 0)
    full, spans = assistant_spans(demos[0]["messages"], [TOOL])
    print(full)
    print("assistant spans:", [full[a:b] for a, b in spans])
    if args.out:
        tok = build([assistant_spans(d["messages"], [TOOL])[0] for d in demos], args.out, args.vocab)
        print(len(tok), "tokens;", len(tok(full)["input_ids"]), "tokens in demo 0")
