"""The native model's KV-cache generation: exact logprobs, sequences joining mid-flight, and a full
cache making requests wait (never fail or grow)."""

import queue
import unittest

import torch

from rollcall_worker.detokenize import TextTracker
from rollcall_worker.native.cached_batcher import CachedBatcher
from rollcall_worker.native.decode_graphs import DecodeGraphs
from rollcall_worker.sampling import SamplingParams, SeededDraws
from rollcall_worker.sequence import ErrorEvent, Sequence
from rollcall_worker.worker import build_worker
from native_fixture import FAMILIES, load_policy, random_folder
from tiny_policy import VOCAB, CharTokenizer
from worker_fixture import generate_together

TOK = CharTokenizer()
PROMPTS = ["<|user|>add 2 and 3\n<|assistant|>", "<|user|>hi\n<|assistant|>", "<|user|>x\n<|assistant|>"]


def full_forward_logprobs(policy, sequence: Sequence) -> torch.Tensor:
    """The sampled tokens' logprobs (temperature 1) from one uncached forward over the whole row."""
    row = torch.tensor([sequence.prompt_ids + sequence.output_ids])
    mask = torch.ones_like(row)
    with torch.no_grad():
        logits = policy.forward_logits(row, mask, (mask.cumsum(1) - 1))
    n = len(sequence.prompt_ids)
    logprobs = torch.log_softmax(logits[0, n - 1 : -1].float(), -1)
    return logprobs.gather(1, torch.tensor(sequence.output_ids).unsqueeze(1)).squeeze(1)


def make_sequence(index: int, prompt: str, max_tokens: int, seed: int) -> Sequence:
    ids = TOK.encode(prompt, False)
    return Sequence(index, ids, SamplingParams(max_tokens=max_tokens, seed=seed, ignore_eos=True), SeededDraws(seed),
                    TextTracker(TOK, ids, True), queue.Queue(), TOK.eos_token_ids)


class KvCacheTest(unittest.TestCase):
    def cached_worker(self, family: str = "qwen2", **options):
        policy = load_policy(random_folder(family, seed=7, vocab_size=len(VOCAB)))
        worker = build_worker(policy, TOK, "t", **options)
        self.assertIsInstance(worker.scheduler.batcher, CachedBatcher)
        return worker

    def assert_exact(self, worker, sequences: list[Sequence]) -> None:
        for sequence in sequences:
            self.assertTrue(sequence.output_ids)
            expected = full_forward_logprobs(worker.policy, sequence)
            torch.testing.assert_close(torch.tensor(sequence.output_logprobs), expected, atol=2e-5, rtol=0)

    def test_cached_decode_equals_the_uncached_forward_for_each_family(self) -> None:
        for family in FAMILIES:
            with self.subTest(family=family):
                worker = self.cached_worker(family)
                sequences = generate_together(worker, [(PROMPTS[0], 30), (PROMPTS[1], 7), (PROMPTS[2], 19)], seed=3)
                self.assertEqual(worker.scheduler.forward_count, 30)
                self.assert_exact(worker, sequences)

    def test_identical_prompts_are_prefilled_once_and_each_sequence_stays_exact(self) -> None:
        worker = self.cached_worker("qwen3")
        rows = []
        worker.policy.lm.register_forward_pre_hook(lambda _module, inputs: rows.append(inputs[0].shape[0]))
        sequences = generate_together(worker, [(PROMPTS[0], 9), (PROMPTS[1], 6), (PROMPTS[0], 9), (PROMPTS[0], 4)], seed=5)
        self.assertEqual(rows[0], 2, "one prefill row per distinct prompt")
        self.assertNotEqual(sequences[0].output_ids, sequences[2].output_ids)  # same prompt, own generators
        self.assert_exact(worker, sequences)

    def test_cached_decode_through_lora_adapters_is_exact(self) -> None:
        policy = load_policy(random_folder("llama", seed=8, vocab_size=len(VOCAB)), lora_rank=4)
        with torch.no_grad():
            for name, param in policy.lm.named_parameters():
                if "lora_B" in name:
                    param.normal_(0, 0.05)  # a trained adapter: B ≠ 0
        worker = build_worker(policy, TOK, "t")
        self.assert_exact(worker, generate_together(worker, [(PROMPTS[0], 12), (PROMPTS[1], 5)], seed=4))

    def test_a_sequence_joining_mid_flight_gets_its_first_token_at_the_next_step(self) -> None:
        worker = self.cached_worker()
        scheduler = worker.scheduler
        first, second = make_sequence(0, PROMPTS[0], 12, seed=1), make_sequence(1, PROMPTS[1], 4, seed=2)
        scheduler.submit([first])
        for _ in range(3):
            scheduler.step()
        scheduler.submit([second])
        scheduler.step()
        self.assertEqual((len(first.output_ids), len(second.output_ids)), (4, 1))
        for _ in range(3):
            scheduler.step()
        self.assertEqual((second.finish_reason, len(first.output_ids)), ("length", 7))
        while scheduler.pending:
            scheduler.step()
        self.assertEqual(len(first.output_ids), 12)
        self.assert_exact(worker, [first, second])
        cache = scheduler.batcher.cache
        self.assertEqual(cache.free_tokens, cache.capacity_tokens, "every block came back")

    def test_a_full_cache_makes_requests_wait_then_serves_them(self) -> None:
        worker = self.cached_worker(kv_cache_tokens=64)  # 4 blocks of 16 tokens
        scheduler, cache = worker.scheduler, worker.scheduler.batcher.cache
        self.assertEqual(cache.capacity_tokens, 64)
        sequences = [make_sequence(i, PROMPTS[2], 20, seed=i) for i in range(3)]
        self.assertEqual(cache.blocks_for(len(sequences[0].prompt_ids) + 20), 2)  # 4 + 20 tokens: two fit, one waits
        scheduler.submit(sequences)
        scheduler.step()
        self.assertEqual([len(s.output_ids) for s in sequences], [1, 1, 0])
        self.assertEqual(scheduler.pending, 3)
        while scheduler.pending:
            scheduler.step()
        self.assertTrue(all(s.finish_reason == "length" for s in sequences))
        self.assert_exact(worker, sequences)
        self.assertEqual(cache.free_tokens, 64)

    def test_a_sequence_larger_than_the_whole_cache_fails_instead_of_waiting_forever(self) -> None:
        worker = self.cached_worker(kv_cache_tokens=32)
        too_big = make_sequence(0, PROMPTS[0], 40, seed=0)
        fits = make_sequence(1, PROMPTS[2], 5, seed=0)
        worker.scheduler.submit([too_big, fits])
        while worker.scheduler.pending:
            worker.scheduler.step()
        event = too_big.events.get_nowait()
        self.assertIsInstance(event, ErrorEvent)
        self.assertIn("KV-cache", event.message)
        self.assertEqual((fits.finish_reason, len(fits.output_ids)), ("length", 5))


def eager_recorder(forward):
    """Stands in for CUDA graph capture on CPU: a replay reruns the forward on the static buffers."""
    out = forward()
    return (lambda: out.copy_(forward())), out


class DecodeGraphPaddingTest(unittest.TestCase):
    def test_bucket_padded_decode_keeps_every_sequence_exact(self) -> None:
        # 3 then 4 running sequences padded to the 4-row bucket, contexts padded to 64 columns:
        # padding rows must neither disturb real rows' cache nor their logprobs.
        policy = load_policy(random_folder("qwen3", seed=9, vocab_size=len(VOCAB)))
        worker = build_worker(policy, TOK, "t", kv_cache_tokens=1024)
        batcher = worker.scheduler.batcher
        graphs = DecodeGraphs(batcher.cache, torch.float32, recorder=eager_recorder)
        batcher._graphs = graphs  # the seam build_cached_batcher fills on CUDA
        scheduler = worker.scheduler
        sequences = [make_sequence(i, PROMPTS[i % 3], 9 + 4 * i, seed=i) for i in range(3)]
        scheduler.submit(sequences)
        scheduler.step()
        scheduler.step()
        late = make_sequence(3, PROMPTS[0], 6, seed=3)
        scheduler.submit([late])
        while scheduler.pending:
            scheduler.step()
        self.assertEqual(sorted(graphs._graphs), [(1, 64), (2, 64), (4, 64)])  # 3, 4, 3, 2, 1 running, bucketed
        for sequence in sequences + [late]:
            expected = full_forward_logprobs(policy, sequence)
            torch.testing.assert_close(torch.tensor(sequence.output_logprobs), expected, atol=2e-5, rtol=0)

    def test_a_bucket_wider_than_the_longest_sequence_reads_only_its_blocks(self) -> None:
        # A 40-token context holds 3 blocks of 16; the 64-column bucket must read those 3.
        policy = load_policy(random_folder("qwen2", seed=4, vocab_size=len(VOCAB), max_position_embeddings=40))
        worker = build_worker(policy, TOK, "t", kv_cache_tokens=256)
        worker.scheduler.batcher._graphs = graphs = DecodeGraphs(worker.scheduler.batcher.cache, torch.float32, recorder=eager_recorder)
        sequences = [make_sequence(i, PROMPTS[i], 40 - len(TOK.encode(PROMPTS[i], False)), seed=i) for i in range(2)]
        worker.scheduler.submit(sequences)
        while worker.scheduler.pending:
            worker.scheduler.step()
        self.assertEqual({width for _, width in graphs._graphs}, {64})
        for sequence in sequences:
            self.assertEqual(len(sequence.prompt_ids) + len(sequence.output_ids), 40)
            torch.testing.assert_close(torch.tensor(sequence.output_logprobs), full_forward_logprobs(policy, sequence), atol=2e-5, rtol=0)


if __name__ == "__main__":
    unittest.main()
