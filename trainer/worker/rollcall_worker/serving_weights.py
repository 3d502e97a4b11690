"""`POST /weights {path}`: the serving weights only, for an external engine to load.

Layout of `path`: what `policy.save_weights` writes — for LoRA the peft adapter folder
(`adapter_config.json` + `adapter_model.safetensors`, read by vLLM's `/v1/load_lora_adapter` and
SGLang's `/load_lora_adapter`), for a full fine-tune `config.json` + safetensors (vLLM's
`reload_weights`, SGLang's `update_weights_from_disk`) — and the tokenizer. No optimizer state and
no `worker-state.json`: this is not a checkpoint and `/restore` refuses it.

Publishing policy: an engine must never read a half-written folder. Everything is written into a
hidden temporary sibling of `path` (same file system, so the rename is atomic), which is renamed to
`path` only when complete. A folder already at `path` (a rerun writing the same step) is first
moved aside and removed after the swap. A failed save removes its temporary folder and leaves
`path` as it was.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from .policy_model import PolicyModel, Tokenizer


def _sibling(path: Path, suffix: str) -> Path:
    return path.parent / f".{path.name}.{uuid.uuid4().hex}.{suffix}"


def save_serving_weights(path: Path, policy: PolicyModel, tokenizer: Tokenizer) -> None:
    path = path.absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(path, "tmp")
    # A plain mkdir, not mkdtemp: mkdtemp makes the folder 0700, and an engine running as another
    # user (a container) must still read the weights.
    staging.mkdir()
    try:
        policy.save_weights(staging)
        tokenizer.save(staging)
        _swap_into_place(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_into_place(staging: Path, path: Path) -> None:
    if not path.exists():
        staging.rename(path)
        return
    retired = _sibling(path, "old")
    path.rename(retired)
    try:
        staging.rename(path)
    except BaseException:
        retired.rename(path)
        raise
    shutil.rmtree(retired, ignore_errors=True)
