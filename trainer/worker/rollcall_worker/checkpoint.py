"""Checkpoints: `POST /checkpoint {path}`, `POST /restore {path}`, `--resume DIR`.

Layout of `path` (created if missing):

* the model in Hugging Face format, at the top level so vLLM or `from_pretrained` can read the
  folder directly: `config.json` + safetensors for a full fine-tune; for LoRA the peft adapter
  (`adapter_config.json` + `adapter_model.safetensors`, loadable by vLLM's `/v1/load_lora_adapter`)
  plus `rollcall-lora.json` naming the base model;
* the tokenizer (`save_pretrained`);
* `optimizer.pt`: the AdamW state (absent before the first step);
* `worker-state.json`: `{policyVersion, step, lora, model, savedAt, format}`, written last, so a
  folder without it is an interrupted save and restore refuses it.

Restore loads the weights in place (parameters keep their identity, so the optimizer's references
stay valid), then the optimizer state, then the counters. With several learner ranks rank 0 does
all the reading and writing: it loads the folder before the other ranks are involved and writes
it after they helped gather the state (rollcall_worker/distributed/rank_zero_ops.py), so a bad
path or a full disk fails on rank 0 alone, never halfway through a collective.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from .errors import bad_request
from .policy_model import PolicyModel, Tokenizer
from .train_step import Learner

STATE_FILE = "worker-state.json"
OPTIMIZER_FILE = "optimizer.pt"
FORMAT = 1


def save_checkpoint(path: Path, policy: PolicyModel, tokenizer: Tokenizer, learner: Learner) -> dict[str, Any]:
    return write_checkpoint(path, policy, tokenizer, learner, learner.sync.optimizer_state(learner))


def write_checkpoint(
    path: Path, policy: PolicyModel, tokenizer: Tokenizer, learner: Learner, optimizer_state: dict[str, Any] | None
) -> dict[str, Any]:
    """Writes the folder; `optimizer_state` in the one-rank layout (several ranks gather it first)."""
    path.mkdir(parents=True, exist_ok=True)
    stale = path / STATE_FILE
    if stale.exists():
        stale.unlink()
    policy.save_weights(path)
    tokenizer.save(path)
    if optimizer_state is not None:
        torch.save(optimizer_state, path / OPTIMIZER_FILE)
    state = {
        "format": FORMAT,
        "policyVersion": learner.policy_version,
        "step": learner.step,
        "lora": policy.is_lora,
        "model": policy.name,
        "savedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (path / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    return state


def _load_optimizer_state(path: Path, device: torch.device) -> dict[str, Any]:
    """`weights_only` loading where torch can (2.x); torch 1.13's weights-only unpickler cannot
    read the floats an optimizer state holds, so there the file — written by this worker — is
    loaded with the full unpickler."""
    if int(torch.__version__.split(".")[0]) >= 2:
        return torch.load(path, map_location=device, weights_only=True)
    return torch.load(path, map_location=device)


@dataclass
class LoadedCheckpoint:
    state: dict[str, Any]
    """`worker-state.json`."""
    optimizer: dict[str, Any] | None
    """AdamW's state in the one-rank layout; None for a checkpoint from before the first step."""


def load_checkpoint(path: Path, policy: PolicyModel) -> LoadedCheckpoint:
    """Checks the folder, loads its weights into `policy` in place and reads the optimizer file:
    all the reading, done before any other rank is involved."""
    state_file = path / STATE_FILE
    if not state_file.is_file():
        raise bad_request(f"{path}: no {STATE_FILE} (not a worker checkpoint, or an interrupted save)", "path")
    state = json.loads(state_file.read_text(encoding="utf-8"))
    if bool(state.get("lora")) != policy.is_lora:
        kind = "a LoRA adapter" if state.get("lora") else "full weights"
        raise bad_request(f"{path} holds {kind}, but the worker was started {'with' if policy.is_lora else 'without'} LoRA", "path")
    policy.load_weights(path)
    optimizer_file = path / OPTIMIZER_FILE
    optimizer = _load_optimizer_state(optimizer_file, policy.device) if optimizer_file.is_file() else None
    return LoadedCheckpoint(state, optimizer)


def apply_checkpoint(learner: Learner, optimizer: dict[str, Any] | None, policy_version: int, step: int) -> None:
    """The learner's part of a restore, after rank 0 loaded the weights: every rank gets them, then
    the optimizer state, then the counters."""
    learner.sync.publish_weights(learner)
    learner.sync.load_optimizer_state(learner, optimizer)
    learner.policy_version = policy_version
    learner.step = step


def restore_checkpoint(path: Path, policy: PolicyModel, learner: Learner) -> dict[str, Any]:
    loaded = load_checkpoint(path, policy)
    apply_checkpoint(learner, loaded.optimizer, int(loaded.state["policyVersion"]), int(loaded.state.get("step", 0)))
    return loaded.state
