"""`POST /train/step`, `/checkpoint`, `/restore`, `/weights` (trainer/learners/worker-learner.ts).

Each holds the model gate for its whole duration: generation steps wait (the proxy pauses and
drains calls around a step anyway). Metrics that came out non-finite are dropped from `metrics`
and named under `warnings`, because JSON has no NaN and a silent 0 would mislead.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

from .errors import bad_request
from .request_fields import require_object
from .train_request import read_hyper, read_samples
from .worker import Worker

log = logging.getLogger("rollcall_worker.learner")


def train_step(worker: Worker, raw: Any) -> dict[str, Any]:
    body = require_object(raw)
    samples = read_samples(body.get("samples"), worker.vocab_size, worker.policy.max_model_len)
    hyper, warnings = read_hyper(body.get("hyper"))
    for warning in warnings:
        log.warning(warning)
    with worker.gate.training():
        metrics = worker.ops.train(samples, hyper)
        version = worker.learner.policy_version
    finite = {k: v for k, v in metrics.items() if math.isfinite(v)}
    warnings += [f"{k}: not finite ({v})" for k, v in metrics.items() if not math.isfinite(v)]
    answer: dict[str, Any] = {"metrics": finite, "policyVersion": version}
    if warnings:
        answer["warnings"] = warnings
    log.info("train step %d done: policy version %d, loss %.4g", worker.learner.step, version, metrics.get("learner/loss", float("nan")))
    return answer


def _path_of(raw: Any) -> Path:
    body = require_object(raw)
    path = body.get("path")
    if not isinstance(path, str) or not path:
        raise bad_request("`path` must be a non-empty string", "path")
    return Path(path)


def checkpoint(worker: Worker, raw: Any) -> dict[str, Any]:
    path = _path_of(raw)
    with worker.gate.training():
        state = worker.ops.checkpoint(path)
    log.info("checkpoint saved to %s (policy version %d)", path, state["policyVersion"])
    return {"path": str(path), "policyVersion": state["policyVersion"]}


def restore(worker: Worker, raw: Any) -> dict[str, Any]:
    path = _path_of(raw)
    with worker.gate.training():
        state = worker.ops.restore(path)
    log.info("checkpoint restored from %s (policy version %d)", path, state["policyVersion"])
    return {"path": str(path), "policyVersion": worker.learner.policy_version}


def weights(worker: Worker, raw: Any) -> dict[str, Any]:
    """The serving weights for an external engine (trainer/learners/publish-weights.ts)."""
    path = _path_of(raw)
    with worker.gate.training():
        worker.ops.weights(path)
        version = worker.learner.policy_version
    log.info("serving weights saved to %s (policy version %d)", path, version)
    return {"path": str(path.absolute()), "policyVersion": version, "lora": worker.policy.is_lora}
