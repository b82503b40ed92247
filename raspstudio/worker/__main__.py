"""The worker process itself: serve requests from the engine's client, running user code.

Started by `raspstudio.engine.worker_client` as
`python -P -m raspstudio.worker READ_FD WRITE_FD MEMORY_MB` (`-P`: the current folder, which
may be a workspace holding a `typing.py`, is not on `sys.path`). Before anything else it
points stdout at stderr (user prints must never reach a front end's stdout, the LSP channel),
caps its memory and silences tracr's warnings; then it imports tracr once and stays warm.
"""

import logging
import os
import resource
import signal
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

from raspstudio.pipeline.load import Interrupted
from raspstudio.pipeline.spans import traceback_span


def _interrupt(signum: int, frame: Any) -> None:
    raise Interrupted()


def _serve(inbox: Connection, outbox: Connection) -> None:
    from raspstudio.worker import handlers  # imports tracr: the slow part of start-up

    def reply(message: tuple) -> None:
        # An interrupt must not land in the middle of a reply: it would corrupt the channel.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
        outbox.send(message)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})

    signal.signal(signal.SIGUSR1, _interrupt)
    reply(("ok", "ready"))
    while True:
        try:
            op, args = inbox.recv()
        except Interrupted:
            continue  # a late interrupt for a request that already answered
        except EOFError:
            return
        try:
            reply(("ok", handlers.HANDLERS[op](**args)))
        except Interrupted as e:
            reply(("interrupted", traceback_span(e.__traceback__, handlers.current_path(op))))
        except BaseException as e:  # noqa: BLE001 - user code may raise SystemExit and friends
            span = traceback_span(e.__traceback__, handlers.current_path(op))
            reply(("error", (_error_text(e, handlers.RequestError), span)))


def _error_text(e: BaseException, request_error: type) -> str:
    if isinstance(e, SystemExit):
        return f"the program called sys.exit({e.code!r})"
    if isinstance(e, request_error):
        return str(e)
    return "".join(traceback.format_exception_only(type(e), e)).strip()


def main() -> None:
    inbox = Connection(int(sys.argv[1]), writable=False)
    outbox = Connection(int(sys.argv[2]), readable=False)
    os.dup2(2, 1)  # user prints go to stderr, never to the front end's stdout
    sys.stdout = sys.stderr
    logging.disable(logging.WARNING)  # tracr's "arithmetic error ... assuming" notes are ours now
    limit = int(sys.argv[3]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _serve(inbox, outbox)


if __name__ == "__main__":
    main()
