"""A copy of the model whose projection weights are already in the compute dtype, for generation.

With fp32 master weights under bf16 autocast, every `F.linear` casts its weight to bf16 first:
for each decode step, one extra kernel per projection and a read of all fp32 weights (2 GB for a
0.5B model) — a large share of a step that moves one token per sequence. Generation instead runs
a twin model whose projections (and LM head) hold bf16 copies; everything else — embeddings,
norms, biases, rotary table — is the master's own tensors, shared. Under autocast the result is
bit-identical: autocast would have made the same round-to-nearest cast of the same weight.

The copies are refreshed when the master's projection weights changed (an optimizer step or a
restore bumps their in-place version counters), checked at each use: a cheap sum over the
projections. The copies are updated in place, so their addresses stay fixed (CUDA graphs captured
over them stay valid). Used only on CUDA with a full fine-tune whose master dtype differs from the
compute dtype; with LoRA the frozen base is already stored in the compute dtype.
"""

from __future__ import annotations

import copy
from typing import Any

import torch
from torch import nn

from .model import CausalLM


class GenerationWeights:
    def __init__(self, master: CausalLM, dtype: torch.dtype) -> None:
        self._master, self._dtype = master, dtype
        self._pairs: list[tuple[nn.Parameter, torch.Tensor]] = []
        twin = CausalLM(master.config, device=torch.device("meta"))
        for (_, module), (_, source) in zip(twin.named_modules(), master.named_modules()):
            for name, param in list(source.named_parameters(recurse=False)):
                if isinstance(source, nn.Linear) and name == "weight":
                    copy = param.detach().to(dtype)
                    setattr(module, name, nn.Parameter(copy, requires_grad=False))
                    self._pairs.append((param, copy))
                else:
                    setattr(module, name, param)
        twin.inv_freq = master.inv_freq
        twin.eval()
        self.model = twin
        self._version = self._master_version()

    def __deepcopy__(self, memo: dict[int, Any]) -> "GenerationWeights":
        """A twin of the copied master (the FSDP2 ranks deep-copy the policy for serving). A plain
        deep copy would break the sharing the refresh relies on: `nn.Parameter.__deepcopy__`
        clones its data, so the twin's projections would no longer be the tensors refreshed."""
        return GenerationWeights(copy.deepcopy(self._master, memo), self._dtype)

    def _master_version(self) -> int:
        return sum(param._version for param, _ in self._pairs)

    def current(self) -> CausalLM:
        """The twin, refreshed first if the master weights changed since the last copy."""
        version = self._master_version()
        if version != self._version:
            with torch.no_grad():
                for param, copy in self._pairs:
                    copy.copy_(param)
            self._version = self._master_version()
        return self.model
