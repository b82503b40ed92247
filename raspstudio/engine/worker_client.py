"""The client side of the isolated worker process that runs user code.

The process side is the `raspstudio.worker` package, started by module name (never imported),
inside the sandbox when there is one (sandbox.py). Requests and replies are plain data
(`raspstudio.wire`: JSON, arrays as raw bytes; never pickle) over private pipes; a third pipe
carries interrupts, and its end-of-file tells the worker that this process is gone, so the
worker and everything it started end with the front end, however it ends. The worker's stdout
is its stderr, so a `print` in a program can never reach a front end's stdout (the LSP channel).

Each request has a timeout. On expiry the client first interrupts the request (the worker
raises `Interrupted` in the user's code, so the reply says where it was stuck and the warm
worker survives); if that does not answer within a grace period, the worker's whole process
group is killed and a fresh one is started for the next request. The worker forks a fresh
child per file, so a crash costs only that file.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from raspstudio import wire
from raspstudio.engine import sandbox
from raspstudio.report import Span

DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_MB = 4096
STARTUP_TIMEOUT = 120.0
INTERRUPT_GRACE = 2.0
CANCEL_POLL = 0.05  # seconds between checks for a cancellation while waiting for a reply
MAX_REPLY = 512 * 1024 * 1024  # bytes; a larger reply is refused, not read


class WorkerError(Exception):
    """The request failed inside the worker; `message` is shown to the user."""

    def __init__(self, message: str, kind: str = "error", span: Span | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind  # "error" | "timeout" | "crashed" | "cancelled"
        self.span = span  # where user code was when it failed or was interrupted, if known


class Worker:
    """Client side: start on first use, one request at a time, restart after a kill or crash."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._process: subprocess.Popen | None = None
        self._send: Connection | None = None
        self._recv: Connection | None = None
        self._control: int | None = None
        self._scratch: str | None = None
        self._lock = threading.Lock()
        self._cancelled = threading.Event()

    def start(self) -> None:
        """Spawn the worker (it imports tracr, which takes a second or two, then says ready)."""
        self._cancelled.clear()  # a cancellation is for the request before, not the start-up
        requests_r, requests_w = os.pipe()
        replies_r, replies_w = os.pipe()
        control_r, control_w = os.pipe()
        fds = (requests_r, replies_w, control_r)
        command = [
            sys.executable,
            "-P",  # the current folder (a workspace?) stays off sys.path
            "-m",
            "raspstudio.worker",
            *(str(fd) for fd in fds),
            str(self.memory_mb),
        ]
        how = sandbox.launch(command)
        self._scratch = how.scratch
        self._process = subprocess.Popen(
            how.argv,
            pass_fds=fds,
            stdin=subprocess.DEVNULL,
            stdout=sys.stderr.fileno() if _has_fileno(sys.stderr) else subprocess.DEVNULL,
            env=how.env,
            cwd=how.cwd,
            # Its own session and process group: a terminal's Ctrl-C goes to the front end,
            # which decides (interrupt the request), and a kill reaches the whole tree.
            start_new_session=True,
        )
        for fd in fds:
            os.close(fd)
        self._send = Connection(requests_w, readable=False)
        self._recv = Connection(replies_r, writable=False)
        self._control = control_w
        self._reply(STARTUP_TIMEOUT)

    def ensure_started(self) -> None:
        """Start the worker now (a front end warming it up before the first request)."""
        with self._lock:
            if not self.alive:
                self.start()

    def request(self, op: str, timeout: float | None = None, **args: Any) -> Any:
        with self._lock:
            self._cancelled.clear()
            if not self.alive:
                self.start()
            try:
                self._send.send_bytes(wire.encode((op, args)))
            except OSError:
                self._kill()
                raise WorkerError("it had exited", "crashed") from None
            return self._reply(timeout or self.timeout)

    def cancel(self) -> None:
        """Stop the request in progress, if any, as a timeout would (from any thread)."""
        self._cancelled.set()

    def _wait(self, timeout: float) -> bool:
        """Whether a reply came within `timeout`; gives up early when cancelled."""
        deadline = time.monotonic() + timeout
        while not self._cancelled.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if self._recv.poll(min(left, CANCEL_POLL)):
                return True
        return False

    def _reply(self, timeout: float) -> Any:
        too_slow = (
            f"did not finish within {timeout:g} s (an infinite loop, or too much work? the "
            "limit is --timeout on the command line, rasp.timeout in an editor)"
        )
        try:
            if not self._wait(timeout):
                os.write(self._control, b"i")  # interrupt the request
                if not self._recv.poll(INTERRUPT_GRACE):
                    self._kill()
                    raise WorkerError(too_slow + "; the worker was restarted", "timeout")
            status, value = wire.decode(self._recv.recv_bytes(MAX_REPLY))
        except (EOFError, OSError):
            code = self._kill()
            raise WorkerError(_death_message(code), "crashed") from None
        except (ValueError, TypeError):  # not plain data, or not in our shape
            self._kill()
            raise WorkerError("it sent a malformed reply", "crashed") from None
        if status == "crashed":  # the child serving this file died; the worker lives on
            raise WorkerError(_death_message(value), "crashed")
        if status == "interrupted" and self._cancelled.is_set():
            raise WorkerError("was cancelled", "cancelled", value)
        if status == "interrupted":
            where = "; it was running here when stopped" if value else ""
            raise WorkerError(too_slow + where, "timeout", value)
        if status == "error":
            message, span = value
            raise WorkerError(message, "error", span)
        return value

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _kill(self) -> int | None:
        """End the worker and everything it started; returns how it ended."""
        if self._process is None:
            return None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)
        code = self._process.wait()
        for conn in (self._send, self._recv):
            if conn is not None:
                conn.close()
        if self._control is not None:
            os.close(self._control)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
        self._process = self._send = self._recv = self._control = self._scratch = None
        return code

    def close(self) -> None:
        with self._lock:
            self._kill()

    def restart(self) -> None:
        with self._lock:
            self._kill()
            self.start()


def _has_fileno(stream: Any) -> bool:
    try:
        stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


def _death_message(code: int | None) -> str:
    if code == -signal.SIGKILL:
        return "it was killed (SIGKILL: out of memory?)"
    if code is not None and code < 0:
        return f"it was killed by {signal.Signals(-code).name} (a crash in native code?)"
    return f"it exited with code {code} (os._exit, or a crash in native code)"
