"""The generation twin with projection weights in the compute dtype: same logits under autocast as
the fp32 master, shared non-projection tensors, refreshed after the master changes."""

import copy
import unittest

import torch

from rollcall_worker.native.generation_weights import GenerationWeights
from rollcall_worker.native.model import AttentionPlan
from native_fixture import FAMILIES, load_policy, random_folder

IDS = torch.tensor([[5, 17, 33, 2, 9, 40, 41, 7]])


def logits(model) -> torch.Tensor:
    mask = torch.ones_like(IDS)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        return model(IDS, mask.cumsum(1) - 1, AttentionPlan.padded(mask)).float()


class GenerationWeightsTest(unittest.TestCase):
    def test_the_twin_computes_what_autocast_computes_from_the_master_and_follows_its_updates(self) -> None:
        for family in FAMILIES:
            with self.subTest(family=family):
                policy = load_policy(random_folder(family, seed=5))
                twin = GenerationWeights(policy.lm, torch.bfloat16)
                model = twin.current()
                self.assertEqual(model.model.layers[0].mlp.up_proj.weight.dtype, torch.bfloat16)
                self.assertEqual(model.lm_head.weight.dtype, torch.bfloat16)
                self.assertIs(model.model.embed_tokens.weight, policy.lm.model.embed_tokens.weight)
                self.assertIs(model.model.norm.weight, policy.lm.model.norm.weight)
                self.assertTrue(torch.equal(logits(model), logits(policy.lm)))
                with torch.no_grad():
                    policy.lm.model.layers[1].self_attn.v_proj.weight.mul_(3.0)  # what an optimizer step does: in place
                    policy.lm.lm_head.weight.add_(0.5)
                before = model.model.layers[1].self_attn.v_proj.weight.data_ptr()
                self.assertFalse(torch.equal(logits(model), logits(policy.lm)))
                self.assertIs(twin.current(), model)
                self.assertEqual(model.model.layers[1].self_attn.v_proj.weight.data_ptr(), before, "updated in place")
                self.assertTrue(torch.equal(logits(model), logits(policy.lm)))

    def test_a_deep_copy_follows_its_own_master(self) -> None:
        policy = load_policy(random_folder("qwen2", seed=6))
        twin = GenerationWeights(policy.lm, torch.bfloat16)
        master, copied = copy.deepcopy((policy.lm, twin))
        self.assertIs(copied.current().model.norm.weight, master.model.norm.weight)
        with torch.no_grad():
            master.model.layers[0].mlp.down_proj.weight.mul_(2.0)
        self.assertTrue(torch.equal(logits(copied.current()), logits(master)))
        self.assertFalse(torch.equal(logits(twin.current()), logits(master)), "the original twin follows the original master")


if __name__ == "__main__":
    unittest.main()
