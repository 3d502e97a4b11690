"""`StepSync` with FSDP2 (`torch.distributed.fsdp.fully_shard`, PyTorch ≥ 2.6).

The trained model is sharded: every decoder layer (the classes a Hugging Face model names in
`_no_split_modules`) and then the root are `fully_shard`ed over all ranks, so each rank keeps 1/N
of the trained weights, their gradients and AdamW's state, and gathers a layer's weights only
while it runs it. Consequences the rest of the worker relies on:

* FSDP2 reduce-scatters gradients as a *mean* over ranks; each rank's backward loss is multiplied
  by N (`loss_scale`) so the shards hold the sum, which is the one-rank gradient, since every
  share is normalised by the whole batch's totals (train_step.py).
* Every forward all-gathers, so ranks run equally many micro-batches: `micro_batch_slots` takes
  the largest count and the others pad with zero-weight passes.
* Clipping uses the global norm: the norm of the sharded gradients is a partial sum across ranks,
  reduced to the full value before scaling (`get_total_norm` on DTensors, as torchtitan's
  `clip_grad_norm_` does, torchtitan/distributed/utils.py).
* A generation replica cannot run a sharded model on its own (every forward would need all the
  others), so each rank also holds `serving`, a whole copy of the model made before sharding, which
  its scheduler samples from and from which rank 0 writes checkpoints and serving weights. After
  each optimizer step every trainable weight is all-gathered into it (`DTensor.full_tensor`).
  Memory per GPU: one whole copy plus 1/N of the trained weights, gradients and AdamW state.
* Checkpoints keep the one-rank layout: AdamW's state is gathered to rank 0 and written as
  `optimizer.state_dict()` would be on one GPU, and scattered back into shards on load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
import torch.distributed as dist
from torch import nn

from .gather_metrics import gather_metrics
from .ranks import Ranks

if TYPE_CHECKING:
    from ..policy_model import PolicyModel
    from ..train_metrics import StepMetrics
    from ..train_request import Hyper
    from ..train_step import Learner


def fsdp2_available() -> bool:
    """`fully_shard` became public in PyTorch 2.6; older builds are not even imported (torch 1.13's
    `torch.distributed.fsdp` fails to import on Python 3.11 with a ValueError)."""
    major, minor = (int(part) for part in torch.__version__.split(".")[:2])
    if (major, minor) < (2, 6):
        return False
    try:
        from torch.distributed.fsdp import fully_shard  # noqa: F401 — the public FSDP2 entry point
    except ImportError:
        return False
    return True


def shard_units(root: nn.Module) -> list[nn.Module]:
    """The submodules sharded on their own: the classes Hugging Face models list as never to be
    split across devices (their decoder layers), found anywhere under `root`."""
    names: set[str] = set()
    for module in root.modules():
        names.update(getattr(module, "_no_split_modules", None) or [])
    return [m for m in root.modules() if m is not root and type(m).__name__ in names]


def trainable_pairs(trained: nn.Module, serving: nn.Module) -> list[tuple[nn.Parameter, nn.Parameter]]:
    """(trained, serving) parameters by name: sharding replaces parameters but keeps their names."""
    whole = dict(serving.named_parameters())
    return [(p, whole[name]) for name, p in trained.named_parameters() if p.requires_grad]


class Fsdp2:
    name = "fsdp2"

    def __init__(self, ranks: Ranks, trained: "PolicyModel", serving: "PolicyModel") -> None:
        from torch.distributed.device_mesh import init_device_mesh
        from torch.distributed.fsdp import fully_shard

        self.ranks = ranks
        self.rank = ranks.rank
        self.world_size = ranks.world_size
        self.loss_scale = float(ranks.world_size)
        self.serving = serving
        mesh = init_device_mesh(ranks.device.type, (ranks.world_size,))
        root = trained.module
        for module in shard_units(root):
            fully_shard(module, mesh=mesh)
        fully_shard(root, mesh=mesh)
        self._pairs = trainable_pairs(root, serving.module)

    def micro_batch_slots(self, local: int) -> int:
        count = torch.tensor([local], dtype=torch.int64, device=self.ranks.device)
        dist.all_reduce(count, op=dist.ReduceOp.MAX)
        return int(count.item())

    def apply_gradients(self, learner: "Learner", hyper: "Hyper") -> float | None:
        from torch.distributed.tensor import DTensor

        params = learner.policy.trainable_parameters()
        total = torch.nn.utils.get_total_norm([p.grad for p in params if p.grad is not None], 2.0)
        if isinstance(total, DTensor):
            total = total.full_tensor()
        finite = bool(torch.isfinite(total))
        if finite:
            torch.nn.utils.clip_grads_with_norm_(params, hyper.gradClip, total)
            learner.ensure_optimizer(hyper.lr).step()
            self._refresh_serving()
        return float(total) if finite else None

    @torch.no_grad()
    def _refresh_serving(self) -> None:
        for sharded, whole in self._pairs:
            whole.copy_(sharded.full_tensor())

    def merge_metrics(self, metrics: "StepMetrics") -> "StepMetrics":
        return gather_metrics(self.ranks, metrics)

    def optimizer_state(self, learner: "Learner") -> dict[str, Any] | None:
        """Gathers AdamW's sharded state into the one-rank layout (collective: every rank calls)."""
        from torch.distributed.tensor import DTensor

        optimizer = learner.optimizer
        if optimizer is None:  # the same on every rank: all create it at the first step
            return None
        state: dict[int, dict[str, Any]] = {}
        for i, p in enumerate(learner.policy.trainable_parameters()):
            entry = {}
            for key, value in sorted(optimizer.state.get(p, {}).items()):
                if isinstance(value, DTensor):
                    value = value.full_tensor()  # collective: the other ranks gather and drop
                if self.ranks.is_leader:
                    entry[key] = value.cpu() if isinstance(value, torch.Tensor) else value
            if entry:
                state[i] = entry
        if not self.ranks.is_leader:
            return None
        return {"state": state, "param_groups": optimizer.state_dict()["param_groups"]}

    def load_optimizer_state(self, learner: "Learner", state: dict[str, Any] | None) -> None:
        """Scatters rank 0's one-rank-layout state into every rank's shards: the layout (shapes,
        step counters) travels as an object, each moment tensor by `distribute_tensor` from rank 0."""
        from torch.distributed.tensor import distribute_tensor

        params = learner.policy.trainable_parameters()
        layout = [_layout(state, params) if self.ranks.is_leader else None]
        dist.broadcast_object_list(layout, src=0, group=self.ranks.objects)
        plan = layout[0]
        if plan is None:
            learner.optimizer = None
            return
        local: dict[int, dict[str, Any]] = {}
        for i, entries in plan["state"].items():
            p = params[i]
            local[i] = {}
            for key, (kind, value) in entries.items():
                if kind == "value":
                    local[i][key] = value
                    continue
                full = state["state"][i][key].to(self.ranks.device) if state is not None else torch.empty(p.shape, dtype=value, device=self.ranks.device)
                local[i][key] = distribute_tensor(full, p.device_mesh, p.placements)
        learner.ensure_optimizer().load_state_dict({"state": local, "param_groups": plan["param_groups"]})

    @torch.no_grad()
    def publish_weights(self, learner: "Learner") -> None:
        """Rank 0 loaded a checkpoint into its serving copy: every serving copy gets it, then
        every rank its shards of it."""
        from torch.distributed.tensor import distribute_tensor

        from .flat_collectives import broadcast_from_leader

        broadcast_from_leader([whole for _, whole in self._pairs])
        for sharded, whole in self._pairs:
            sharded.copy_(distribute_tensor(whole.data, sharded.device_mesh, sharded.placements))


def _layout(state: dict[str, Any] | None, params: list[nn.Parameter]) -> dict[str, Any] | None:
    """What the other ranks need to rebuild `state`: per parameter and key, ("shard", dtype) for a
    tensor shaped like the parameter, ("value", v) for anything else (AdamW's step counter)."""
    if state is None:
        return None
    plan: dict[int, dict[str, tuple[str, Any]]] = {}
    for i, entries in state["state"].items():
        plan[int(i)] = {
            key: ("shard", value.dtype) if isinstance(value, torch.Tensor) and tuple(value.shape) == tuple(params[int(i)].shape) else ("value", value)
            for key, value in entries.items()
        }
    return {"state": plan, "param_groups": state["param_groups"]}
