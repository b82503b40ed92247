"""The worker process: a warm zygote that forks a fresh child for every file.

Started by `raspstudio.engine.worker_client` (inside the sandbox, when there is one) as
`python -P -m raspstudio.worker REQUESTS REPLIES CONTROL MEMORY_MB [--confine SCRATCH]` (`-P`:
the current folder stays off `sys.path`; `--confine`: Landlock and seccomp, see confine.py).
Three pipes: requests in, replies out, and a control pipe on which a byte means "interrupt the
request" and end-of-file means "the front end is gone".

Before its slow imports it points stdout at stderr (user prints must never reach a front end's
stdout, the LSP channel), installs the interrupt handler, starts the control watcher and caps
its memory. Then it imports tracr once and stays warm. A `load` or `repl_start` request forks a
new child from this clean state: whatever one file does to the interpreter (patched helpers,
threads, monkeypatched modules) dies with its child and never reaches the next file. Requests
and replies are plain data (`raspstudio.wire`), never pickle.
"""

import contextlib
import gc
import logging
import os
import resource
import signal
import sys
import threading
import traceback
from multiprocessing.connection import Connection
from typing import Any

from raspstudio import wire
from raspstudio.pipeline.interrupted import Interrupted

FRESH = {"load", "repl_start"}  # requests that start from a clean state
MAX_REQUEST = 256 * 1024 * 1024
CPU_SECONDS = 600  # per child: a backstop for code the timeout could not stop
FILE_BYTES = 64 * 1024 * 1024
_child_pid = 0  # the child serving requests now; the control watcher interrupts it
_seal: Any = None  # confine.no_new_processes, where seccomp is available
_zygote_fds: tuple[int, ...] = ()  # the front end's pipes: a child closes them at once


def _interrupt(signum: int, frame: Any) -> None:
    raise Interrupted()


def _watch(control: int) -> None:
    """Interrupt the child on each control byte; end everything when the front end is gone."""
    while True:
        try:
            data = os.read(control, 64)
        except InterruptedError:
            continue
        if not data:  # the front end is gone: so are we, and everything user code started
            os.killpg(0, signal.SIGKILL)  # our process group
            os._exit(1)  # in the sandbox we are its PID 1: our exit ends the rest
        if _child_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(_child_pid, signal.SIGUSR1)


class _Child:
    """A forked copy of the warm process serving one file's requests."""

    def __init__(self, handlers: Any):
        global _child_pid
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                for fd in (to_child_w, from_child_r, *_zygote_fds):
                    os.close(fd)  # user code must not reach the front end's pipes
                _serve_in_child(handlers, Connection(to_child_r), Connection(from_child_w))
            finally:
                os._exit(1)
        os.close(to_child_r)
        os.close(from_child_w)
        self.pid = _child_pid = pid
        self.send = Connection(to_child_w, readable=False)
        self.recv = Connection(from_child_r, writable=False)

    def ask(self, request: bytes) -> bytes | None:
        """The child's reply, passed on as it came; None if the child died on the way."""
        try:
            self.send.send_bytes(request)
            return self.recv.recv_bytes()
        except (EOFError, OSError):
            return None

    def end(self) -> int:
        """Kill it (if alive) and return how it ended, as a `returncode` would say it."""
        global _child_pid
        _child_pid = 0
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        self.send.close()
        self.recv.close()
        return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _serve_in_child(handlers: Any, inbox: Connection, outbox: Connection) -> None:
    """The child's whole life: answer requests until the zygote closes the pipe, then exit."""
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))
    if _seal is not None:
        _seal()  # user code may start threads, but no process
    me = os.getpid()

    def reply(message: tuple) -> None:
        if os.getpid() != me:  # a copy user code forked (and let return): it never answers
            os._exit(0)
        try:
            data = wire.encode(message)
        except wire.NotPlainData as e:
            data = wire.encode(("error", (str(e), None)))
        # An interrupt must not land in the middle of a reply: it would corrupt the channel.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
        outbox.send_bytes(data)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})

    while True:
        try:
            op, args = wire.decode(inbox.recv_bytes())
        except Interrupted:
            continue  # a late interrupt for a request that already answered
        except EOFError:
            os._exit(0)
        try:
            reply(("ok", handlers.HANDLERS[op](**args)))
        except Interrupted as e:
            span = handlers.traceback_span(e.__traceback__, handlers.current_path(op))
            reply(("interrupted", span))
        except BaseException as e:  # noqa: BLE001 - user code may raise SystemExit and friends
            span = handlers.traceback_span(e.__traceback__, handlers.current_path(op))
            reply(("error", (_error_text(e, handlers.RequestError), span)))


def _error_text(e: BaseException, request_error: type) -> str:
    if isinstance(e, SystemExit):
        return f"the program called sys.exit({e.code!r})"
    if isinstance(e, request_error):
        return str(e)
    return "".join(traceback.format_exception_only(type(e), e)).strip()


def _serve(handlers: Any, inbox: Connection, outbox: Connection) -> None:
    """The zygote: route each request to the current child, forking a fresh one per file."""
    outbox.send_bytes(wire.encode(("ok", "ready")))
    child: _Child | None = None
    while True:
        try:
            request = inbox.recv_bytes(MAX_REQUEST)
        except (EOFError, OSError):
            return
        try:
            op = wire.decode(request)[0]
        except (ValueError, TypeError, IndexError, KeyError):
            outbox.send_bytes(wire.encode(("error", ("a malformed request", None))))
            continue
        if child is None or op in FRESH:
            if child is not None:
                child.end()
            child = _Child(handlers)
        reply = child.ask(request)
        if reply is None:  # the child died: say how, and fork a fresh one for what comes next
            reply = wire.encode(("crashed", child.end()))
            child = None
        try:
            outbox.send_bytes(reply)
        except OSError:  # the front end gave up on us (a timeout) and closed the pipe
            return


def _sealer() -> Any:
    """confine.no_new_processes, or None where libseccomp (or Linux) is missing."""
    try:
        from raspstudio.worker.confine import no_new_processes
    except (ImportError, OSError):
        return None
    return no_new_processes


def main() -> None:
    global _zygote_fds, _seal
    requests, replies, control, memory_mb = (int(arg) for arg in sys.argv[1:5])
    _zygote_fds = (requests, replies, control)
    signal.signal(signal.SIGUSR1, _interrupt)  # first: a cancel may come at any moment
    if sys.argv[5:6] == ["--confine"]:  # no bubblewrap: confine ourselves (before any thread)
        from raspstudio.worker.confine import confine

        confine(sys.argv[6])
    os.dup2(2, 1)  # user prints go to stderr, never to the front end's stdout
    sys.stdout = sys.stderr
    threading.Thread(target=_watch, args=(control,), daemon=True).start()
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    logging.disable(logging.WARNING)  # tracr's "arithmetic error ... assuming" notes are ours now
    from raspstudio.worker import handlers  # imports tracr: the slow part of start-up

    handlers.warm_up()  # each file's child is forked warm
    _seal = _sealer()
    gc.freeze()  # the collector never walks (so never copies) what the children share

    _serve(handlers, Connection(requests, writable=False), Connection(replies, readable=False))


if __name__ == "__main__":
    main()
