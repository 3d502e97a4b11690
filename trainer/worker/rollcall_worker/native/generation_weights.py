"""The model generation runs: the master's weights in the compute dtype, with fused projections.

With fp32 master weights under bf16 autocast, every `F.linear` casts its weight (and bias) to
bf16 first: for each decode step, extra kernels per projection and a read of all fp32 weights
(2 GB for a 0.5B model) — a large share of a step that moves one token per sequence. Generation
instead runs `fused_lm.FusedLM` over copies in the compute dtype: per layer q/k/v stacked into
one weight and gate/up into another, o/down and the LM head cast, biases cast. Embeddings,
norms and the rotary table are the master's own tensors, shared. Autocast would have made the
same round-to-nearest casts of the same weights, so only the matmuls' summation order differs.

The copies are refreshed when the master's weights changed (an optimizer step or a restore bumps
their in-place version counters), checked at each use: a cheap sum over the sources. They are
updated in place, so their addresses stay fixed (CUDA graphs captured over them stay valid).
Used only on CUDA with a full fine-tune whose master dtype differs from the compute dtype; with
LoRA the frozen base is already stored in the compute dtype.
"""

from __future__ import annotations

import copy
from typing import Any

import torch
from torch import nn

from .fused_lm import FusedLayer, FusedLM
from .model import CausalLM


class GenerationWeights:
    def __init__(self, master: CausalLM, dtype: torch.dtype) -> None:
        self._master, self._dtype = master, dtype
        self._pairs: list[tuple[list[torch.Tensor], torch.Tensor]] = []
        layers = []
        for layer in master.model.layers:
            attn, mlp = layer.self_attn, layer.mlp
            layers.append(FusedLayer(
                input_norm=layer.input_layernorm, post_norm=layer.post_attention_layernorm,
                q_norm=attn.q_norm if attn.qk_norm else None, k_norm=attn.k_norm if attn.qk_norm else None,
                qkv_weight=self._copy([attn.q_proj.weight, attn.k_proj.weight, attn.v_proj.weight]),
                qkv_bias=self._bias([attn.q_proj, attn.k_proj, attn.v_proj]),
                o_weight=self._copy([attn.o_proj.weight]), o_bias=self._bias([attn.o_proj]),
                gate_up_weight=self._copy([mlp.gate_proj.weight, mlp.up_proj.weight]), gate_up_bias=self._bias([mlp.gate_proj, mlp.up_proj]),
                down_weight=self._copy([mlp.down_proj.weight]), down_bias=self._bias([mlp.down_proj])))
        self.model = FusedLM(master.config, master.model.embed_tokens.weight, master.model.norm, self._copy([master.lm_head.weight]),
                             master.inv_freq, layers)
        self._version = self._master_version()

    def __deepcopy__(self, memo: dict[int, Any]) -> "GenerationWeights":
        """A twin of the copied master (the FSDP2 ranks deep-copy the policy for serving). A plain
        deep copy would break the sharing the refresh relies on: `nn.Parameter.__deepcopy__`
        clones its data, so the copies would no longer follow the tensors the optimizer updates."""
        return GenerationWeights(copy.deepcopy(self._master, memo), self._dtype)

    def _copy(self, sources: list[torch.Tensor]) -> torch.Tensor:
        """`sources` stacked along their first axis, in the compute dtype; kept in step by `current`."""
        with torch.no_grad():
            copy = torch.cat([source.detach().to(self._dtype) for source in sources])
        self._pairs.append((sources, copy))
        return copy

    def _bias(self, projections: list[nn.Linear]) -> torch.Tensor | None:
        biases = [projection.bias for projection in projections]
        return self._copy(biases) if all(bias is not None for bias in biases) else None

    def _master_version(self) -> int:
        return sum(source._version for sources, _ in self._pairs for source in sources)

    def current(self) -> FusedLM:
        """The fused model, its copies refreshed first if the master weights changed since the last copy."""
        version = self._master_version()
        if version != self._version:
            with torch.no_grad():
                for sources, copy in self._pairs:
                    offset = 0
                    for source in sources:
                        copy[offset : offset + source.shape[0]].copy_(source)
                        offset += source.shape[0]
            self._version = self._master_version()
        return self.model
