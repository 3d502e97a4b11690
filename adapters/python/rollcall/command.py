"""Running a workflow function once as a command: the trainer's ``command`` runner.

The same function a service runs can be a command (one process per rollout, any trainer that
runs commands): the rollout comes from the environment the command runner sets
(``OPENAI_BASE_URL``, ``OPENAI_API_KEY``, ``OPENAI_MODEL``, ``ROLLCALL_TASK``, …) and the output
is printed as the one JSON line the runner reads::

    if __name__ == "__main__":
        rollcall.run_as_command(workflow)
"""

import asyncio
import inspect
import json
import os
import sys
from typing import Any, Callable

from . import wire
from .models import RolloutModel

__all__ = ["run_as_command"]


def _environment_json(name: str, default: str) -> Any:
    return json.loads(os.environ.get(name, default))


def run_as_command(workflow: Callable[..., Any]) -> None:
    """Calls ``workflow(task, model, auxiliary_models)`` with the rollout of this process and
    prints its output; a raise propagates (traceback on stderr, exit code 1: ``crashed``)."""
    missing = [name for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "ROLLCALL_TASK") if name not in os.environ]
    if missing:
        sys.exit(f"{', '.join(missing)} not set: run this file as a rollcall command workflow, or serve its function")
    task = wire.parse_task(_environment_json("ROLLCALL_TASK", "{}"), "ROLLCALL_TASK")
    model = RolloutModel(base_url=os.environ["OPENAI_BASE_URL"], api_key=os.environ["OPENAI_API_KEY"],
                         model_name=os.environ.get("OPENAI_MODEL", "default"),
                         rollout_id=os.environ.get("ROLLCALL_ROLLOUT_ID", ""),
                         attempt=int(os.environ.get("ROLLCALL_ATTEMPT", "0")),
                         metadata=_environment_json("ROLLCALL_METADATA", "{}"))
    auxiliary = wire.parse_auxiliary_models(_environment_json("ROLLCALL_AUXILIARY_MODELS", "{}"), "ROLLCALL_AUXILIARY_MODELS")
    value = workflow(task, model, auxiliary)
    if inspect.isawaitable(value):
        value = asyncio.run(_awaited(value))
    sys.stdout.write(wire.encode(wire.workflow_output_to_wire(value)).decode("utf-8") + "\n")
    sys.stdout.flush()


async def _awaited(value: Any) -> Any:
    return await value
