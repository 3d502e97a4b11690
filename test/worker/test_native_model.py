"""The native Qwen2/Qwen3/Llama model on CPU: loading random checkpoints written with the worker's
own safetensors writer, padding, one training step, checkpoint round trips (full and LoRA)."""

import json
import unittest

import torch

from rollcall_worker.checkpoint import restore_checkpoint, save_checkpoint
from rollcall_worker.errors import ModelLoadError
from rollcall_worker.native.lora import ADAPTER_CONFIG, ADAPTER_WEIGHTS
from rollcall_worker.native.safetensors_io import read_file
from rollcall_worker.policy_loading import choose_impl
from rollcall_worker.scoring import SampleScoring
from rollcall_worker.train_request import Hyper, TrainSample
from rollcall_worker.train_step import Learner
from native_fixture import FAMILIES, load_policy, random_folder, scratch_dir
from tiny_policy import CharTokenizer

TOKENS = [5, 17, 33, 2, 9, 40, 41, 7, 12, 3]


def sample(tokens: list[int], prompt: int, advantage: float) -> TrainSample:
    n = len(tokens)
    return TrainSample(tokens=tokens, prompt_length=prompt, loss_mask=[0] * prompt + [1] * (n - prompt),
                       logprobs=[0.0] * prompt + [-4.0] * (n - prompt), advantages=[0.0] * prompt + [advantage] * (n - prompt),
                       scoring=SampleScoring())


def logits_of(policy, rows: list[list[int]], left: bool) -> list[torch.Tensor]:
    """Each row's logits from one padded batch (left- or right-padded), real positions only."""
    width = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    mask = torch.zeros(len(rows), width, dtype=torch.long)
    for i, row in enumerate(rows):
        span = slice(width - len(row), width) if left else slice(0, len(row))
        ids[i, span], mask[i, span] = torch.tensor(row), 1
    positions = (mask.cumsum(1) - 1).clamp(min=0)
    with torch.no_grad():
        out = policy.forward_logits(ids, mask, positions)
    return [out[i, width - len(r):] if left else out[i, : len(r)] for i, r in enumerate(rows)]


class NativeModelTest(unittest.TestCase):
    def test_each_family_loads_and_pads_consistently(self) -> None:
        for family in FAMILIES:
            with self.subTest(family=family):
                policy = load_policy(random_folder(family, seed=1))
                rows = [TOKENS, TOKENS[:4], TOKENS[3:9]]
                alone = [logits_of(policy, [r], left=False)[0] for r in rows]
                for left in (True, False):
                    for got, want in zip(logits_of(policy, rows, left), alone):
                        torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
                self.assertGreater(float(alone[0].std()), 0.01)  # random weights, not a constant

    def test_family_features_change_the_computation(self) -> None:
        # The same weights without llama3 rope scaling (or with another theta) give other logits:
        # the config fields are read, not ignored.
        base = load_policy(random_folder("llama", seed=2))
        plain = load_policy(random_folder("llama", seed=2, rope_scaling=None))
        long_row = list(range(3, 120))
        self.assertGreater(float((logits_of(base, [long_row], False)[0] - logits_of(plain, [long_row], False)[0]).abs().max()), 1e-4)

    def test_one_training_step_moves_the_sampled_tokens_logprob_and_round_trips(self) -> None:
        tokenizer = CharTokenizer()
        for family in FAMILIES:
            with self.subTest(family=family):
                policy = load_policy(random_folder(family, seed=3))
                learner = Learner(policy, pad_token_id=0)
                batch = [sample(TOKENS, 4, 1.0), sample(TOKENS[:7], 3, -1.0)]
                before = logits_of(policy, [TOKENS], False)[0]
                metrics = learner.train_step(batch, Hyper(lr=1e-2))
                self.assertTrue(torch.isfinite(torch.tensor(metrics["learner/loss"])))
                after = logits_of(policy, [TOKENS], False)[0]
                logp = lambda logits: float(torch.log_softmax(logits[3:-1], -1).gather(1, torch.tensor(TOKENS[4:]).unsqueeze(1)).sum())  # noqa: E731
                self.assertGreater(logp(after), logp(before))
                folder = scratch_dir()
                save_checkpoint(folder, policy, tokenizer, learner)
                self.assertTrue((folder / "config.json").is_file() and (folder / "model.safetensors").is_file())
                fresh = load_policy(folder)  # the checkpoint is itself a loadable model folder
                torch.testing.assert_close(logits_of(fresh, [TOKENS], False)[0], after)
                restored = load_policy(random_folder(family, seed=3))
                restore_checkpoint(folder, restored, Learner(restored, pad_token_id=0))
                torch.testing.assert_close(logits_of(restored, [TOKENS], False)[0], after)

    def test_lora_trains_the_adapter_only_and_saves_in_peft_layout(self) -> None:
        folder = random_folder("qwen2", seed=4)
        policy = load_policy(folder, lora_rank=4)
        base = {n: p.detach().clone() for n, p in policy.lm.named_parameters() if "lora_" not in n}
        learner = Learner(policy, pad_token_id=0)
        before = logits_of(policy, [TOKENS], False)[0]
        torch.testing.assert_close(before, logits_of(load_policy(folder), [TOKENS], False)[0])  # B = 0 at start
        learner.train_step([sample(TOKENS, 4, 1.0)], Hyper(lr=1e-2, klCoef=0.1))
        after = logits_of(policy, [TOKENS], False)[0]
        self.assertGreater(float((after - before).abs().max()), 1e-4)
        for name, param in policy.lm.named_parameters():
            if name in base:
                self.assertTrue(torch.equal(param, base[name]), name)
        out = scratch_dir()
        policy.save_weights(out)
        config = json.loads((out / ADAPTER_CONFIG).read_text())
        self.assertEqual((config["peft_type"], config["r"], config["lora_alpha"]), ("LORA", 4, 8))
        keys = set(read_file(out / ADAPTER_WEIGHTS))
        self.assertIn("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", keys)
        self.assertIn("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight", keys)
        self.assertEqual(len(keys), 2 * 7 * 2)
        other = load_policy(folder, lora_rank=4)
        other.load_weights(out)
        torch.testing.assert_close(logits_of(other, [TOKENS], False)[0], after)

    def test_gradient_checkpointing_gives_the_same_gradients(self) -> None:
        folder = random_folder("qwen3", seed=6)
        grads = []
        for checkpointing in (False, True):
            policy = load_policy(folder)
            policy.lm.gradient_checkpointing = checkpointing
            policy.lm.train()
            ids = torch.tensor([TOKENS])
            mask = torch.ones_like(ids)
            policy.forward_logits(ids, mask, mask.cumsum(1) - 1).logsumexp(-1).sum().backward()
            grads.append({n: p.grad.clone() for n, p in policy.lm.named_parameters()})
        for name, grad in grads[0].items():
            torch.testing.assert_close(grads[1][name], grad, msg=name)

    def test_implementation_choice(self) -> None:
        folder = random_folder("qwen2")
        self.assertEqual(choose_impl(str(folder), "auto"), "native")
        self.assertEqual(choose_impl(str(folder), "transformers"), "transformers")
        config = json.loads((folder / "config.json").read_text())
        (folder / "config.json").write_text(json.dumps({**config, "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"]}))
        with self.assertRaisesRegex(ModelLoadError, "does not cover model_type 'gpt2'"):
            choose_impl(str(folder), "native")
        (folder / "config.json").write_text(json.dumps({**config, "rope_scaling": {"rope_type": "yarn", "factor": 4.0}}))
        with self.assertRaisesRegex(ModelLoadError, "rope scaling type 'yarn'"):
            choose_impl(str(folder), "native")

    def test_weights_that_do_not_fit_the_config_are_refused(self) -> None:
        folder = random_folder("qwen3")
        config = json.loads((folder / "config.json").read_text())
        (folder / "config.json").write_text(json.dumps({**config, "num_hidden_layers": 3}))
        with self.assertRaisesRegex(ModelLoadError, "missing .*model.layers.2"):
            load_policy(folder)


if __name__ == "__main__":
    unittest.main()
