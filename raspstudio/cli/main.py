"""`rasp`: parse the command line, then import and run only the command asked for.

`rasp --help` imports argparse and the grammar (arguments.py); `rasp check` adds the engine
client and the terminal text; drafting (and the `openai` client) loads only for `rasp draft`,
the language server only for `rasp serve`, the REPL only for `rasp repl`.
"""

import argparse
import os
import select
import signal
import sys
from collections.abc import Callable
from typing import Any

from raspstudio.cli.arguments import UsageError, build_parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status.

    A reader of stdout that leaves early (`rasp check | head`) ends the command quietly with
    the status a shell expects of it (128 + SIGPIPE). SIGPIPE itself keeps Python's setting
    (ignored): the pipes inside the command (a --jobs pool's) report a reader that died as an
    error to handle, not a signal that kills the command.
    """
    try:
        return _main(argv)
    except BrokenPipeError:
        if not _stdout_closed():
            raise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 128 + signal.SIGPIPE


def _stdout_closed() -> bool:
    """Whether stdout is a pipe nobody reads any more (the write end then polls as an error)."""
    poll = select.poll()
    poll.register(sys.stdout.fileno(), select.POLLOUT)
    return any(events & select.POLLERR for _, events in poll.poll(0))


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        parser.print_help()  # a script or pipe gets help rather than a REPL waiting for input
        return 0
    if args.command in (None, "repl"):
        from raspstudio.repl.app import main as repl_main

        return repl_main(getattr(args, "file", None), getattr(args, "timeout", None))
    if args.command == "serve":
        from raspstudio.lsp.app import serve

        serve()
        return 0
    if args.command == "doctor":
        from raspstudio.engine import sandbox

        print("\n".join(sandbox.describe()))
        return 0
    try:
        if args.command == "testbed":  # data only: no program runs, so no worker
            from raspstudio.cli.testbed_verify import cmd_testbed

            return cmd_testbed(args)
        return _with_engine(args)
    except UsageError as e:
        print(f"rasp: error: {e}", file=sys.stderr)
        return 2


def _with_engine(args: argparse.Namespace) -> int:
    command = _command(args.command)
    from raspstudio.engine import Engine, Worker

    engine = Engine(Worker(timeout=args.timeout))
    try:
        return command(args, engine)
    finally:
        engine.close()


def _command(name: str) -> Callable[[argparse.Namespace, Any], int]:
    if name in ("draft", "draft-eval"):
        from raspstudio.cli.draft import COMMANDS
    elif name == "export":
        from raspstudio.cli.export import COMMANDS
    elif name == "sample":
        from raspstudio.cli.sample import COMMANDS
    else:
        from raspstudio.cli.files import COMMANDS
    return COMMANDS[name]


if __name__ == "__main__":
    sys.exit(main())
