"""``python -m rollcall serve --workflow agent.py:workflow --judge judge.py:judge [--port N]``.

What the trainer runs for ``workflow``/``judge`` sections of ``type: python``; also usable by hand.
Exit codes: 0 stopped, 1 a module failed to import (its traceback on stderr), 2 bad arguments or
a function that cannot be served (the message says why).
"""

import argparse
import os
import sys
import traceback

from .loader import LoadError, load_function
from .serve import DEFAULT_PORT, serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rollcall")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve workflow and judge functions over HTTP")
    run.add_argument("--workflow", help="path/to/file.py:function or package.module:function")
    run.add_argument("--judge", help="path/to/file.py:function or package.module:function")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"0 picks a free port (default {DEFAULT_PORT})")
    run.add_argument("--ready-line", action="store_true", help="print one JSON line on stdout once listening")
    run.add_argument("--stop-on-stdin-close", action="store_true", help="stop when stdin reaches its end")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.workflow is None and args.judge is None:
        sys.stderr.write("python -m rollcall serve: give --workflow, --judge or both\n")
        return 2
    try:
        workflow = load_function(args.workflow, "workflow") if args.workflow else None
        judge = load_function(args.judge, "judge") if args.judge else None
    except LoadError as error:
        sys.stderr.write(f"python -m rollcall serve: {error}\n")
        return 2
    except BaseException:  # the user's module failed to import: its own traceback says why
        sys.stderr.write("python -m rollcall serve: importing the functions failed:\n" + traceback.format_exc())
        return 1
    serve(workflow, judge, host=args.host, port=args.port, workflow_label=args.workflow, judge_label=args.judge,
          ready_line=args.ready_line, stop_on_stdin_close=args.stop_on_stdin_close)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Threads a user's module started (a client pool, a hung call) must not keep the process alive
    # after the run: the service has stopped, so leave without waiting for them.
    os._exit(code)
