"""rollcall for Python agents: standard library only.

Write the agent as a function, grade it with another, train both::

    import rollcall
    from rollcall import JudgeOutput, WorkflowOutput

    def workflow(task, model, auxiliary_models):
        reply = model.chat([{"role": "user", "content": task.query}])
        return WorkflowOutput(response=reply["content"])

    def judge(task, response, auxiliary_models):
        return JudgeOutput(reward=float(task.reference_answer in (response.response or "")))

    rollcall.tune(workflow, judge, config_path="train.yaml")

``tune`` serves the functions and runs ``rollcall train``; ``serve`` serves them for a trainer
started elsewhere (or by the trainer itself: ``workflow: {type: python, module: agent.py:workflow}``);
``run_as_command`` runs a workflow once as a command. ``model.as_oai_baseurl_apikey()`` plugs the
rollout into any OpenAI-compatible client.
"""

from .command import run_as_command
from .models import BaseUrlApiKey, ChatModel, RollcallError, RolloutModel
from .serve import serve
from .tune import TuneError, tune
from .types import Call, JudgeOutput, Task, ToolCall, WorkflowOutput

__version__ = "0.1.0"

__all__ = [
    "BaseUrlApiKey", "Call", "ChatModel", "JudgeOutput", "RollcallError", "RolloutModel", "Task", "ToolCall",
    "TuneError", "WorkflowOutput", "run_as_command", "serve", "tune",
]
