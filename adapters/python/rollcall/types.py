"""The typed values a workflow and a judge get and return.

A workflow is ``workflow(task, model, auxiliary_models) -> WorkflowOutput``; a judge is
``judge(task, response, auxiliary_models) -> JudgeOutput``, where ``response`` is the
``WorkflowOutput`` the workflow returned. Either may be ``async def`` or a plain function.

    def workflow(task: Task, model: RolloutModel, auxiliary_models) -> WorkflowOutput:
        reply = model.chat([{"role": "user", "content": task.query}])
        return WorkflowOutput(response=reply["content"])

    async def judge(task: Task, response: WorkflowOutput, auxiliary_models) -> JudgeOutput:
        right = response.graded_text == task.reference_answer
        return JudgeOutput(reward=1.0 if right else 0.0)
"""

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

__all__ = ["Task", "WorkflowOutput", "JudgeOutput", "Call", "ToolCall"]


@dataclass(frozen=True)
class Task:
    """One task of the taskset: what the agent is asked, and what the judge checks against.

    ``reference_answer`` is the dataset's answer column as text (GSM8K: the whole solution ending
    in ``#### 72``); ``metadata`` holds the columns the config maps into it.
    """

    id: str
    query: str
    index: int = 0
    reference_answer: Optional[str] = None
    metadata: Dict[str, Any] = field(default_factory=dict)


@dataclass
class WorkflowOutput:
    """What a workflow returns. Give at least one of ``response``, ``final_answer``, ``reward``.

    ``reward`` is for workflows that grade themselves (judge type ``workflow``); ``metrics`` are
    numbers averaged into the step's metrics; ``metadata`` is kept with the rollout.
    """

    response: Optional[str] = None
    final_answer: Optional[str] = None
    reward: Optional[float] = None
    metadata: Optional[Dict[str, Any]] = None
    metrics: Optional[Dict[str, float]] = None

    @property
    def graded_text(self) -> Optional[str]:
        """The text a judge grades: the explicit final answer, else the whole response."""
        return self.final_answer if self.final_answer is not None else self.response


@dataclass
class JudgeOutput:
    """A judge's verdict. ``is_success`` defaults to ``reward > 0``; metric values are numbers."""

    reward: float
    is_success: Optional[bool] = None
    metrics: Dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCall:
    """A tool call the model made; ``arguments`` is the JSON text exactly as it generated it."""

    name: str
    arguments: str

    def parsed_arguments(self) -> Optional[Dict[str, Any]]:
        """The arguments as a dict, or None when the model wrote something that is not a JSON object."""
        try:
            value = json.loads(self.arguments)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Call:
    """One recorded chat call of the rollout, in call order; a judge that declares a ``calls``
    parameter gets them all: ``async def judge(task, response, auxiliary_models, calls)``."""

    seq: int
    completion_text: str
    tool_calls: Tuple[ToolCall, ...] = ()
    malformed_tool_call: bool = False
    finish_reason: Optional[str] = None
