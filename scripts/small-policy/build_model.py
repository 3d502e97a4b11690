"""A small Qwen2 policy from scratch: tokenizer, SFT warm-up on synthetic tool-use demos, tool-loop evaluation.

    python3 scripts/small-policy/build_model.py --out DIR [--steps 2500] [--flaw-share 0.4] [--summary FILE]
        [--hidden 384 --layers 6 --heads 6 --kv-heads 2 --intermediate 1024] [--save-dtype fp32|bf16]
        [--flaw-weights 0.4,0.3,0.3] [--guess-right 0.3] [--recover 0.25]

Writes DIR/model (config.json + safetensors + tokenizer + chat template: loadable by the rollcall
worker with --model DIR/model) and a JSON summary. Loss only on assistant tokens (spans found by
rendering the chat template). Evaluation runs the real agent loop in-process: parse hermes tool
calls, run the code with the agent's subprocess tool, feed the result back, up to 4 turns.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_tokenizer import assistant_spans, build, render  # noqa: E402
from demos import SYSTEM_PROMPT, TOOL, execute_python_code, make_demos  # noqa: E402
from problems import eval_sets, make_set  # noqa: E402

TOOL_CALL = re.compile(r"<tool_call>\s*(.*?)\s*</tool_call>", re.S)
BOXED = re.compile(r"\\boxed\{([^{}]*)\}")


def parse_assistant(text: str) -> dict:
    """Hermes parsing as vLLM's parser does it: content before the first <tool_call>, calls from valid JSON blocks."""
    calls, bad = [], 0
    if "<tool_call>" in text:
        for i, block in enumerate(TOOL_CALL.findall(text)):
            try:
                obj = json.loads(block)
                calls.append({"id": f"call_{i}", "type": "function", "function": {"name": obj["name"], "arguments": obj["arguments"]}})
            except (ValueError, KeyError, TypeError):
                bad += 1
        if calls:
            return {"role": "assistant", "content": text.split("<tool_call>")[0].strip(), "tool_calls": calls}
    return {"role": "assistant", "content": text.strip(), "bad_calls": bad}


def run_call(call: dict) -> str:
    if call["function"]["name"] != "execute_python_code":
        return f'error: unknown tool "{call["function"]["name"]}"'
    args = call["function"]["arguments"]
    code = args.get("code") if isinstance(args, dict) else None
    if not isinstance(code, str):
        return 'error: "code" must be a string'
    return execute_python_code(code)


def boxed_value(text: str):
    found = BOXED.findall(text or "")
    if not found:
        return None
    try:
        return float(found[-1].replace(",", "").replace("$", "").strip())
    except ValueError:
        return None


def encode(tok, demos, max_len: int):
    texts, spans = zip(*(assistant_spans(d["messages"], [TOOL]) for d in demos))
    enc = tok(list(texts), add_special_tokens=False, return_offsets_mapping=True)
    data = []
    for ids, offs, sp in zip(enc["input_ids"], enc["offset_mapping"], spans):
        mask = [int(any(a <= s < b for a, b in sp)) for s, _ in offs]
        data.append((ids[:max_len], mask[:max_len]))
    return data


def evaluate(model, tok, problems, *, sample: bool, max_turns: int = 4, max_new: int = 160, batch: int = 256, seed: int = 0):
    import torch
    convs = [{"p": p, "msgs": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": p["question"]}], "done": False, "raw": []} for p in problems]
    eos = [tok.convert_tokens_to_ids("<|im_end|>"), tok.convert_tokens_to_ids("<|endoftext|>")]
    tok.padding_side = "left"
    torch.manual_seed(seed)
    pool = ThreadPoolExecutor(16)
    for _turn in range(max_turns):
        active = [c for c in convs if not c["done"]]
        if not active:
            break
        for i in range(0, len(active), batch):
            chunk = active[i:i + batch]
            prompts = [render(c["msgs"], [TOOL], add_generation_prompt=True) for c in chunk]
            enc = tok(prompts, add_special_tokens=False, return_tensors="pt", padding=True).to(model.device)
            with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16):
                out = model.generate(**enc, max_new_tokens=max_new, do_sample=sample, temperature=1.0 if sample else None,
                                     top_p=1.0 if sample else None, top_k=0 if sample else None, eos_token_id=eos, pad_token_id=eos[1])
            for c, row in zip(chunk, out[:, enc["input_ids"].shape[1]:].tolist()):
                text = tok.decode(row, skip_special_tokens=False).split("<|im_end|>")[0].replace("<|endoftext|>", "")
                c["raw"].append(text)
                msg = parse_assistant(text)
                c["msgs"].append({k: v for k, v in msg.items() if k != "bad_calls"})
                c["bad_calls"] = c.get("bad_calls", 0) + msg.get("bad_calls", 0)
                if not msg.get("tool_calls"):
                    c["done"] = True
        pending = [(c, call) for c in active for call in (c["msgs"][-1].get("tool_calls") or [])]
        for (c, call), result in zip(pending, pool.map(lambda pc: run_call(pc[1]), pending)):
            c["msgs"].append({"role": "tool", "tool_call_id": call["id"], "content": result})
    pool.shutdown()
    stats = {"n": len(convs), "success": 0, "tool_use": 0, "print_discipline": 0, "answered_before_tool_result": 0, "bad_tool_call_json": 0, "turns": 0.0}
    calls_total = calls_print = 0
    for c in convs:
        asst = [m for m in c["msgs"] if m["role"] == "assistant"]
        calls = [call for m in asst for call in m.get("tool_calls") or []]
        codes = [call["function"]["arguments"].get("code", "") if isinstance(call["function"]["arguments"], dict) else "" for call in calls]
        last = asst[-1]["content"] if asst else ""
        v = boxed_value(last)
        c["success"] = v is not None and abs(v - c["p"]["answer"]) < 1e-6
        stats["success"] += c["success"]
        stats["tool_use"] += bool(calls)
        stats["print_discipline"] += bool(calls) and all("print(" in code for code in codes)
        calls_total += len(codes); calls_print += sum("print(" in code for code in codes)
        stats["answered_before_tool_result"] += any(m.get("tool_calls") and BOXED.search(m["content"] or "") for m in asst)
        stats["bad_tool_call_json"] += c.get("bad_calls", 0) > 0
        stats["turns"] += len(asst)
    n = len(convs)
    out = {k: (v / n if k != "n" else v) for k, v in stats.items()}
    out["print_discipline_of_tool_users"] = stats["print_discipline"] / max(1, stats["tool_use"])
    out["calls_with_print"] = calls_print / max(1, calls_total)
    return out, convs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--summary", default=None)
    ap.add_argument("--n-train", type=int, default=30000)
    ap.add_argument("--flaw-share", type=float, default=0.4)
    ap.add_argument("--flaw-weights", default="0.4,0.3,0.3",
                    help="how the flawed demos split into forgot_print, same_turn, wrong_op (demos.py FLAWS)")
    ap.add_argument("--guess-right", type=float, default=0.3, help="share of the guesses of a demo that did not see the result that are right")
    ap.add_argument("--recover", type=float, default=0.25, help="share of the forgot_print demos that retry with print()")
    ap.add_argument("--vocab", type=int, default=3072)
    ap.add_argument("--hidden", type=int, default=384)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--heads", type=int, default=6)
    ap.add_argument("--kv-heads", type=int, default=None, help="default: heads // 3 (at least 1)")
    ap.add_argument("--intermediate", type=int, default=None, help="MLP width; default: 8/3 × hidden rounded down to a multiple of 64")
    ap.add_argument("--save-dtype", choices=["fp32", "bf16"], default="fp32",
                    help="dtype of the saved weights; with bf16 the evaluation runs on the rounded weights, so it measures what is shipped")
    ap.add_argument("--steps", type=int, default=2500)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--n-eval", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-budget-s", type=float, default=300, help="stop training early after this many seconds")
    args = ap.parse_args()

    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    t0 = time.time()
    random.seed(args.seed); torch.manual_seed(args.seed)
    problems = make_set(args.n_train, "train", "train", args.seed)
    flaw_weights = tuple(float(w) for w in args.flaw_weights.split(","))
    demos = make_demos(problems, args.flaw_share, args.seed, flaw_weights, args.guess_right, args.recover)
    folder = os.path.join(args.out, "model")
    tok = build([assistant_spans(d["messages"], [TOOL])[0] for d in demos[:5000]], folder, args.vocab)
    # the fast renderer equals transformers' apply_chat_template
    for d in demos[:20]:
        assert tok.apply_chat_template(d["messages"], tools=[TOOL], tokenize=False) == render(d["messages"], [TOOL])
    data = encode(tok, demos, 2048)
    lens = [len(ids) for ids, _ in data]
    t_data = time.time() - t0
    print(f"data: {len(data)} demos, mean {sum(lens)/len(lens):.0f} tokens, max {max(lens)}, vocab {len(tok)}, {t_data:.1f}s", flush=True)

    eos_id, pad_id = tok.convert_tokens_to_ids("<|im_end|>"), tok.convert_tokens_to_ids("<|endoftext|>")
    intermediate = args.intermediate or args.hidden * 8 // 3 // 64 * 64
    config = Qwen2Config(vocab_size=(len(tok) + 63) // 64 * 64, hidden_size=args.hidden, intermediate_size=intermediate,
                         num_hidden_layers=args.layers, num_attention_heads=args.heads, num_key_value_heads=args.kv_heads or max(1, args.heads // 3),
                         max_position_embeddings=2048, tie_word_embeddings=True, rms_norm_eps=1e-6,
                         bos_token_id=None, eos_token_id=eos_id, pad_token_id=pad_id)
    model = Qwen2ForCausalLM(config).cuda()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {n_params/1e6:.2f}M parameters", flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.95), fused=True)
    warm = 100
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1, (s + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1, s / args.steps)))))
    rng = random.Random(args.seed)
    order = []
    model.train()
    t1 = time.time(); losses = []; step = 0
    for step in range(1, args.steps + 1):
        if len(order) < args.batch:
            order = list(range(len(data))); rng.shuffle(order)
        idx, order = order[:args.batch], order[args.batch:]
        L = max(len(data[i][0]) for i in idx)
        ids = torch.full((len(idx), L), pad_id, dtype=torch.long)
        att = torch.zeros((len(idx), L), dtype=torch.long)
        lab = torch.full((len(idx), L), -100, dtype=torch.long)
        for r, i in enumerate(idx):
            x, m = data[i]
            ids[r, :len(x)] = torch.tensor(x); att[r, :len(x)] = 1
            lab[r, :len(x)] = torch.tensor([t if mm else -100 for t, mm in zip(x, m)])
        ids, att, lab = ids.cuda(non_blocking=True), att.cuda(non_blocking=True), lab.cuda(non_blocking=True)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(input_ids=ids, attention_mask=att).logits
        loss = torch.nn.functional.cross_entropy(logits[:, :-1].float().reshape(-1, logits.shape[-1]), lab[:, 1:].reshape(-1), ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(); sched.step()
        if step % 100 == 0 or step == 1:
            losses.append((step, loss.item()))
            print(f"step {step} loss {losses[-1][1]:.4f} lr {sched.get_last_lr()[0]:.2e} {time.time()-t1:.1f}s", flush=True)
        if time.time() - t1 > args.time_budget_s:
            print(f"time budget reached at step {step}", flush=True)
            break
    torch.cuda.synchronize()
    train_s = time.time() - t1
    model.eval()
    if args.save_dtype == "bf16":
        model.to(torch.bfloat16)
    model.generation_config = GenerationConfig(eos_token_id=[eos_id, pad_id], pad_token_id=pad_id)
    model.save_pretrained(folder)
    model.float()  # bf16-rounded weights stay rounded: the evaluation sees the shipped model
    tok.save_pretrained(folder)
    cfg_path = os.path.join(folder, "tokenizer_config.json")
    cfg = json.load(open(cfg_path)); cfg["chat_template"] = tok.chat_template
    json.dump(cfg, open(cfg_path, "w"), indent=2, ensure_ascii=False)
    disk_bytes = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))

    t2 = time.time()
    sets = eval_sets(args.n_eval, seed=10_000 + args.seed)
    results, samples = {}, []
    for mode in ("sampled_t1", "greedy"):
        for name, probs in sets.items():
            res, convs = evaluate(model, tok, probs, sample=mode != "greedy", seed=args.seed)
            results[f"{mode}/{name}"] = res
            print(mode, name, json.dumps(res), flush=True)
            for c in convs[:3]:
                samples.append({"mode": mode, "set": name, "answer": c["p"]["answer"], "success": c["success"], "raw_turns": c["raw"],
                                "tool_results": [m["content"] for m in c["msgs"] if m["role"] == "tool"]})
    headline = {m: (results[f"{m}/heldout_numbers"]["success"] + results[f"{m}/heldout_templates"]["success"]) / 2 for m in ("sampled_t1", "greedy")}
    summary = {
        "headline_success_heldout": headline,
        "eval": results,
        "model": {"params_M": round(n_params / 1e6, 2), "disk_MB": round(disk_bytes / 1e6, 2), "save_dtype": args.save_dtype, "hidden": args.hidden, "layers": args.layers, "heads": args.heads,
                  "kv_heads": config.num_key_value_heads, "intermediate": config.intermediate_size, "vocab": config.vocab_size, "folder": folder},
        "data": {"n_train": len(data), "flaw_share": args.flaw_share, "flaw_weights": flaw_weights, "guess_right": args.guess_right, "recover": args.recover, "mean_tokens": sum(lens) / len(lens), "max_tokens": max(lens),
                 "flaws": {f: sum(d["flaw"] == f for d in demos) for f in ("clean", "forgot_print", "same_turn", "wrong_op")}},
        "train": {"steps": step, "batch": args.batch, "lr": args.lr, "seconds": round(train_s, 1), "step_ms": round(1000 * train_s / step, 1),
                  "loss_curve": losses, "final_loss": losses[-1][1] if losses else None},
        "timing_s": {"data": round(t_data, 1), "train": round(train_s, 1), "eval": round(time.time() - t2, 1), "total": round(time.time() - t0, 1)},
        "gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
        "samples": samples,
    }
    text = json.dumps(summary, indent=2)
    open(os.path.join(args.out, "summary.json"), "w").write(text)
    if args.summary:
        open(args.summary, "w").write(text)
    print(json.dumps({k: summary[k] for k in ("headline_success_heldout", "model", "train", "timing_s")}, indent=1))


if __name__ == "__main__":
    main()
