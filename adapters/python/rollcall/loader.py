"""Loading a function named in a config: ``path/to/file.py:name`` or ``package.module:name``.

A file path is resolved against the current folder (the trainer passes absolute paths) and its
folder is put on ``sys.path``, so the file can import its neighbours. A file is imported once,
however many functions are taken from it (a workflow and a judge in one file share its globals).
Everything is checked here, before the service reports ready: the trainer fails at start with
this message instead of at every rollout.
"""

import importlib
import importlib.util
import inspect
import os
import sys
from types import ModuleType
from typing import Any, Callable, Dict

_loaded_files: Dict[str, ModuleType] = {}

# The arguments each kind of function is called with (the judge may also take `calls`).
ARGUMENTS = {"workflow": "(task, model, auxiliary_models)", "judge": "(task, response, auxiliary_models)"}


class LoadError(Exception):
    """The function named in a spec cannot be served; the message says what to fix."""


def _import_file(path: str, spec: str) -> ModuleType:
    path = os.path.abspath(path)
    if path in _loaded_files:
        return _loaded_files[path]
    if not os.path.isfile(path):
        raise LoadError(f"{spec}: no file {path}")
    folder, name = os.path.split(path)
    name = os.path.splitext(name)[0]
    if name in sys.modules:  # a file named like an installed module must not replace it
        name = f"rollcall_user_{name}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise LoadError(f"{spec}: {path} cannot be imported as Python")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module  # dataclasses and pickle look a class's module up here
    module_spec.loader.exec_module(module)
    _loaded_files[path] = module
    return module


def load_function(spec: str, kind: str) -> Callable[..., Any]:
    """Imports ``spec`` and returns the function, checked to take the ``kind``'s arguments."""
    target, sep, name = spec.rpartition(":")
    if not sep or not target or not name.isidentifier():
        raise LoadError(f"{kind} {spec!r} must look like 'path/to/file.py:function' or 'package.module:function'")
    if target.endswith(".py") or os.sep in target or "/" in target:
        module = _import_file(target, spec)
    else:
        module = importlib.import_module(target)
    if not hasattr(module, name):
        functions = sorted(n for n, v in vars(module).items() if inspect.isfunction(v) and not n.startswith("_"))
        raise LoadError(f"{spec}: {target} has no {name!r} (functions: {', '.join(functions) or 'none'})")
    fn = getattr(module, name)
    if not callable(fn):
        raise LoadError(f"{spec}: {name!r} is a {type(fn).__name__}, not a function")
    check_signature(fn, kind, spec)
    return fn


def check_signature(fn: Callable[..., Any], kind: str, label: str) -> None:
    """A function written for another framework (one argument, or four) fails here, not per rollout."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # a builtin or C function: nothing to check
    extra = {"calls": None} if kind == "judge" and "calls" in signature.parameters else {}
    try:
        signature.bind(None, None, None, **extra)
    except TypeError:
        raise LoadError(f"{kind} {label} takes {signature}; a {kind} is called as {kind}{ARGUMENTS[kind]}") from None
