"""The figures a GPU e2e run is reported with, from its metrics.jsonl (standard library only):
held-out success by validation step, train reward at the start and end, the engine/learner
agreement (mean over steps of the per-step mean |Δlogprob|, the worst step's mean, the largest
single-token |Δ|), how many tokens started outside the clip window, failures, and throughput.

    python3 scripts/gpu-e2e/summarize_run.py metrics.jsonl [TEMPERATURE] > summary.json
"""

import json
import sys


def values(rows, key):
    return [r[key] for r in rows if isinstance(r.get(key), (int, float))]


def mean(xs):
    return sum(xs) / len(xs) if xs else None


def summarize(rows, temperature):
    train = [r for r in rows if r.get("step", 0) > 0 and "reward/mean" in r]
    diff_means = values(train, "learner/logprob_diff_mean")
    rewards = values(train, "reward/mean")
    return {
        "temperature": temperature,
        "steps_trained": len(train),
        "held_out_success_by_step": {str(r["step"]): r["val/pass@1"] for r in rows if "val/pass@1" in r},
        "train_reward_first_5_steps": mean(rewards[:5]),
        "train_reward_last_5_steps": mean(rewards[-5:]),
        "agreement_mean_abs_diff_mean_over_steps": mean(diff_means),
        "agreement_worst_step_mean_abs_diff": max(diff_means, default=None),
        "agreement_largest_token_abs_diff": max(values(train, "learner/logprob_diff_max"), default=None),
        "clip_frac_max": max(values(train, "learner/clip_frac"), default=None),
        "tis_capped_frac_max": max(values(train, "learner/tis_capped_frac"), default=None),
        "policy_failure_rate_mean": mean(values(train, "rollouts/policy_failure_rate")),
        "infra_failure_rate_mean": mean(values(train, "rollouts/infra_failure_rate")),
        "rollouts_per_s_mean": mean(values(train, "throughput/rollouts_per_s")),
        "step_s_mean": mean(values(train, "time/step_s")),
    }


def main():
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    temperature = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    json.dump(summarize(rows, temperature), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
