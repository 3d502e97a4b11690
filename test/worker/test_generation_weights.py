"""The fused generation model: the unfused forward's logits (fp32, to float tolerance; bf16 under
autocast, to bf16 rounding), with and without the KV cache, over copies refreshed in place after
the master changes."""

import copy
import unittest

import torch

from rollcall_worker.native.decode_graphs import decode_forward
from rollcall_worker.native.generation_weights import GenerationWeights
from rollcall_worker.native.kv_cache import KvCache
from rollcall_worker.native.model import AttentionPlan
from native_fixture import FAMILIES, load_policy, random_folder

IDS = torch.tensor([[5, 17, 33, 2, 9, 40, 41, 7], [0, 0, 0, 12, 3, 8, 60, 1]])
MASK = torch.tensor([[1] * 8, [0, 0, 0, 1, 1, 1, 1, 1]])


def logits(model) -> torch.Tensor:
    with torch.no_grad():
        return model(IDS, (MASK.cumsum(1) - 1).clamp(min=0), AttentionPlan.padded(MASK)).float()


def cached_logits(model, config) -> torch.Tensor:
    """A left-padded prefill into a fresh cache, then two decode steps: the last position's
    logits of each, `[3, B, V]`."""
    cache = KvCache(config, 64, 2, 32, torch.float32, torch.device("cpu"))
    rows = torch.tensor([cache.reserve(16).row for _ in range(2)])
    positions = MASK.cumsum(1) - 1
    plan = AttentionPlan.padded(MASK)
    plan.cache, plan.write_slots = cache, cache.slots(rows, positions)
    with torch.no_grad():
        steps = [model(IDS, positions.clamp(min=0), plan, keep_last=1)[:, -1, :]]
        lengths = MASK.sum(1)
        for token in (4, 11):
            inputs = torch.stack((torch.full((2,), token), lengths, rows))
            steps.append(decode_forward(model, cache, inputs, int(lengths.max()) + 1))
            lengths = lengths + 1
    return torch.stack(steps).float()


class GenerationWeightsTest(unittest.TestCase):
    def test_the_fused_model_computes_the_unfused_forward_with_and_without_the_cache(self) -> None:
        for family in FAMILIES:
            with self.subTest(family=family):
                policy = load_policy(random_folder(family, seed=5))
                fused = GenerationWeights(policy.lm, torch.float32).current()
                expected, got = logits(policy.lm), logits(fused)
                self.assertGreater(expected.abs().max().item(), 1e-2)
                torch.testing.assert_close(got[MASK.bool()], expected[MASK.bool()], rtol=1e-4, atol=1e-5)
                torch.testing.assert_close(cached_logits(fused, policy.config), cached_logits(policy.lm, policy.config), rtol=1e-4, atol=1e-5)

    def test_in_bf16_the_fused_model_agrees_with_autocast_over_the_master_to_rounding(self) -> None:
        for family in FAMILIES:
            with self.subTest(family=family):
                policy = load_policy(random_folder(family, seed=6))
                fused = GenerationWeights(policy.lm, torch.bfloat16).current()
                self.assertEqual(fused.layers[0].qkv_weight.dtype, torch.bfloat16)
                self.assertIs(fused.embed, policy.lm.model.embed_tokens.weight)
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    expected, got = logits(policy.lm).log_softmax(-1), logits(fused).log_softmax(-1)
                delta = (got - expected).abs()[MASK.bool()]
                self.assertLess(delta.mean().item(), 2e-2)

    def test_the_copies_follow_the_master_in_place(self) -> None:
        policy = load_policy(random_folder("llama", seed=7))
        twin = GenerationWeights(policy.lm, torch.float32)
        fused = twin.current()
        before = (fused.layers[1].qkv_weight.data_ptr(), fused.layers[1].gate_up_bias.data_ptr())
        with torch.no_grad():  # what an optimizer step does: in place
            policy.lm.model.layers[1].self_attn.v_proj.weight.mul_(3.0)
            policy.lm.model.layers[1].mlp.up_proj.bias.add_(0.5)
            policy.lm.lm_head.weight.add_(0.5)
        self.assertFalse(torch.allclose(logits(fused), logits(policy.lm), atol=1e-3))
        self.assertIs(twin.current(), fused)
        self.assertEqual((fused.layers[1].qkv_weight.data_ptr(), fused.layers[1].gate_up_bias.data_ptr()), before)
        torch.testing.assert_close(logits(fused)[MASK.bool()], logits(policy.lm)[MASK.bool()], rtol=1e-4, atol=1e-5)

    def test_a_deep_copy_follows_its_own_master(self) -> None:
        policy = load_policy(random_folder("qwen2", seed=6))
        twin = GenerationWeights(policy.lm, torch.float32)
        master, copied = copy.deepcopy((policy.lm, twin))
        self.assertIs(copied.current().norm.weight, master.model.norm.weight)
        with torch.no_grad():
            master.model.layers[0].mlp.down_proj.weight.mul_(2.0)
        torch.testing.assert_close(logits(copied.current())[MASK.bool()], logits(master)[MASK.bool()], rtol=1e-4, atol=1e-5)
        self.assertFalse(torch.allclose(logits(twin.current()), logits(master), atol=1e-3), "the original twin follows the original master")


if __name__ == "__main__":
    unittest.main()
