"""``tune()``: train Python workflow and judge functions with one call.

It serves the functions in this process (``BackgroundService``) and runs ``rollcall train`` as a
child process pointed at them (``--workflow-url``/``--judge-url``), passing its output through
(the progress line included) and returning the run folder. The YAML file stays the advanced
path: ``config_path=`` trains with everything it sets; ``dataset=`` (with ``model=``,
``algorithm=``, ``settings=``) writes a small config instead.

    import rollcall
    run_dir = rollcall.tune(workflow, judge, dataset="data/train.jsonl", model="http://127.0.0.1:8000")
"""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

from .background import BackgroundService
from .service import FunctionService

__all__ = ["tune", "TuneError"]

_RUN_FOLDER = re.compile(r"run folder:? (\S.*)$")


class TuneError(Exception):
    """``rollcall train`` failed; ``run_dir`` is its run folder when it got that far (see run.log)."""

    def __init__(self, message: str, returncode: Optional[int] = None, run_dir: Optional[str] = None):
        super().__init__(message)
        self.returncode = returncode
        self.run_dir = run_dir


def find_cli() -> List[str]:
    """The ``rollcall`` command: ``ROLLCALL_CLI``, else this checkout's ``bin/rollcall.js``, else PATH."""
    if os.environ.get("ROLLCALL_CLI"):
        return shlex.split(os.environ["ROLLCALL_CLI"])
    script = Path(__file__).resolve().parents[3] / "bin" / "rollcall.js"
    node = shutil.which("node")
    if script.is_file() and node is not None:
        return [node, str(script)]
    installed = shutil.which("rollcall")
    if installed is not None:
        return [installed]
    raise TuneError("cannot find the rollcall CLI: set ROLLCALL_CLI (e.g. 'node /path/to/rollcall/bin/rollcall.js'), "
                    "or put rollcall (npm install -g) and node on PATH")


def _dataset_section(dataset: Union[str, Dict[str, Any]]) -> Dict[str, Any]:
    if isinstance(dataset, dict):
        return dataset
    path = os.path.abspath(dataset)
    if os.path.isdir(path):
        return {"type": "huggingface", "path": path}
    if not os.path.isfile(path):
        raise TuneError(f"dataset {dataset!r}: no such file or folder")
    return {"type": "jsonl", "path": path}


def _merge(base: Dict[str, Any], extra: Dict[str, Any]) -> Dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        both_dicts = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merge(merged[key], value) if both_dicts else value
    return merged


def build_config(workflow_url: str, dataset: Union[str, Dict[str, Any]], model: Union[str, Dict[str, Any], None],
                 algorithm: Union[str, Dict[str, Any], None], settings: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """The trainer config for ``dataset=`` mode; YAML is a superset of JSON, so it is written as JSON.

    ``model`` is where the policy is served: a URL (vLLM, or rollcall's worker, which then also
    learns) or a ``proxy.engine`` section; ``algorithm`` an estimator name or the section.
    """
    config: Dict[str, Any] = {"tasks": {"train": _dataset_section(dataset)}, "workflow": {"type": "http", "url": workflow_url}}
    if isinstance(model, str):
        config["proxy"] = {"engine": {"upstreams": [model]}}
        config["learner"] = {"url": model}
    elif isinstance(model, dict):
        config["proxy"] = {"engine": model}
    if algorithm is not None:
        config["algorithm"] = {"estimator": algorithm} if isinstance(algorithm, str) else algorithm
    return _merge(config, settings or {})


def _pass_through(process: "subprocess.Popen[str]") -> Optional[str]:
    """Echoes the child's stdout line by line; returns the last run folder it named."""
    run_dir = None
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        found = _RUN_FOLDER.search(line.rstrip("\n"))
        if found:
            run_dir = os.path.abspath(found.group(1).strip())
    return run_dir


def _stderr_of_child() -> Optional[int]:
    """On a terminal the child inherits stderr and draws its progress line in place; elsewhere (a
    notebook, a log file) its stderr is copied into ``sys.stderr``, where the user looks."""
    try:
        return None if sys.stderr.isatty() else subprocess.PIPE
    except (AttributeError, ValueError):  # a replaced or closed sys.stderr
        return subprocess.PIPE


def _copy_stderr(process: "subprocess.Popen[str]") -> threading.Thread:
    def copy() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            sys.stderr.write(line)
            sys.stderr.flush()

    thread = threading.Thread(target=copy, name="rollcall-tune-stderr", daemon=True)
    thread.start()
    return thread


def _append_stats(run_dir: Optional[str], stats: Dict[str, Any]) -> None:
    """The service's counters go to the run log, in the line the trainer writes for its own."""
    if run_dir is None or not os.path.isdir(run_dir):
        return
    with open(os.path.join(run_dir, "run.log"), "a", encoding="utf-8") as log:
        log.write(f"python functions (rollcall.tune): {json.dumps(stats)}\n")


def tune(workflow_func: Callable[..., Any], judge_func: Optional[Callable[..., Any]] = None, *,
         config_path: Optional[str] = None, dataset: Union[str, Dict[str, Any], None] = None,
         model: Union[str, Dict[str, Any], None] = None, algorithm: Union[str, Dict[str, Any], None] = None,
         settings: Optional[Dict[str, Any]] = None, backbone: Optional[str] = None, steps: Optional[int] = None,
         overrides: Optional[Dict[str, Any]] = None, env: Optional[Dict[str, str]] = None) -> str:
    """Trains ``workflow_func`` (and grades with ``judge_func``, else the config's judge); returns
    the run folder. Give ``config_path`` (a trainer YAML) or ``dataset``. ``backbone`` is
    ``"debug"`` (run everything but the learner) or ``"worker"``; ``steps`` overrides the schedule;
    ``overrides`` sets configuration keys on top of the file, as ``rollcall train --set KEY=VALUE``
    does (``{"tasks.train.path": "data/openai/gsm8k"}``);
    ``env`` adds environment variables for the trainer (``ROLLCALL_UPSTREAM``, …).
    Raises ``TuneError`` when the run fails; Ctrl-C stops the run cleanly, then raises
    ``KeyboardInterrupt``.
    """
    if (config_path is None) == (dataset is None):
        raise TuneError("give config_path (a trainer YAML) or dataset, not both")
    if config_path is not None and (model is not None or algorithm is not None or settings is not None):
        raise TuneError("with config_path, set model, algorithm and the rest in the file")
    cli = find_cli()
    service = BackgroundService(FunctionService(workflow_func, judge_func))
    url = service.start()
    with tempfile.TemporaryDirectory(prefix="rollcall-tune-") as scratch:
        if config_path is None:
            config_path = os.path.join(scratch, f"{getattr(workflow_func, '__name__', 'tune')}.yaml")
            with open(config_path, "w", encoding="utf-8") as file:
                json.dump(build_config(f"{url}/workflow", dataset, model, algorithm, settings), file, indent=2)
        args = [*cli, "train", "--conf", config_path, "--workflow-url", f"{url}/workflow"]
        args += ["--judge-url", f"{url}/judge"] if judge_func is not None else []
        args += ["--backbone", backbone] if backbone is not None else []
        args += ["--steps", str(steps)] if steps is not None else []
        for key, value in (overrides or {}).items():
            args += ["--set", f"{key}={json.dumps(value) if not isinstance(value, str) else value}"]
        return _run_training(args, service, {**os.environ, **(env or {})})


def _run_training(args: List[str], service: BackgroundService, env: Dict[str, str]) -> str:
    # Its own session: a terminal's Ctrl-C reaches only this process, which passes on exactly one
    # SIGINT (a second one would make the trainer stop without closing the run).
    run_dir = None
    interrupted = False
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=_stderr_of_child(), text=True, env=env,
                          start_new_session=True) as process:
        copier = _copy_stderr(process) if process.stderr is not None else None
        try:
            try:
                run_dir = _pass_through(process)
            except KeyboardInterrupt:
                interrupted = True
                process.send_signal(signal.SIGINT)
                run_dir = _pass_through(process)
            code = process.wait()
            if copier is not None:
                copier.join()
        finally:
            if process.poll() is None:
                process.kill()
            service.stop()
            _append_stats(run_dir, service.stats())
    if interrupted:
        raise KeyboardInterrupt
    if code != 0:
        raise TuneError(f"rollcall train exited with code {code}" + (f"; see {run_dir}/run.log" if run_dir else ""), code, run_dir)
    if run_dir is None:
        raise TuneError("rollcall train finished without naming its run folder")
    return run_dir
