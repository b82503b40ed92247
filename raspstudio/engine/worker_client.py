"""The client side of the isolated worker process that runs user code.

The process side is the `raspstudio.worker` package, started by module name (never imported).
Requests and replies travel over a pair of private pipes (pickled, length-prefixed by
`multiprocessing.connection`). The worker's stdout is redirected to its stderr before any user
code runs, so a `print` in a program can never reach a front end's stdout (the LSP channel).

Each request has a timeout. On expiry the client first interrupts the worker (SIGUSR1 raises
`Interrupted` in the user's code, so the reply says where it was stuck and the warm worker
survives); if that does not answer within a grace period, the worker is killed and a fresh one
is started for the next request. Memory is capped with RLIMIT_AS.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from raspstudio.report import Span

DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_MB = 4096
STARTUP_TIMEOUT = 120.0
INTERRUPT_GRACE = 2.0
CANCEL_POLL = 0.05  # seconds between checks for a cancellation while waiting for a reply


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
        self._lock = threading.Lock()
        self._cancelled = threading.Event()

    def start(self) -> None:
        """Spawn the worker (it imports tracr, which takes a second or two, then says ready)."""
        self._cancelled.clear()  # a cancellation is for the request before, not the start-up
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-P",  # the current folder (a workspace?) stays off sys.path
                "-m",
                "raspstudio.worker",
                str(to_child_r),
                str(from_child_w),
                str(self.memory_mb),
            ],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            stdout=sys.stderr.fileno() if _has_fileno(sys.stderr) else subprocess.DEVNULL,
            # Its own session: a terminal's Ctrl-C goes to the front end, which decides
            # (interrupt the request, via SIGUSR1), instead of killing the warm worker.
            start_new_session=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._send = Connection(to_child_w, readable=False)
        self._recv = Connection(from_child_r, writable=False)
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
                self._send.send((op, args))
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
        too_slow = f"did not finish within {timeout:g} s (an infinite loop, or too many inputs?)"
        try:
            if not self._wait(timeout):
                self._process.send_signal(signal.SIGUSR1)
                if not self._recv.poll(INTERRUPT_GRACE):
                    self._kill()
                    raise WorkerError(too_slow + "; the worker was restarted", "timeout")
            status, value = self._recv.recv()
        except (EOFError, OSError):
            code = self._kill()
            raise WorkerError(_death_message(code), "crashed") from None
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
        if self._process is None:
            return None
        if self._process.poll() is None:
            self._process.kill()
        code = self._process.wait()
        for conn in (self._send, self._recv):
            if conn is not None:
                conn.close()
        self._process = self._send = self._recv = None
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
