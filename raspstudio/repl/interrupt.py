"""Waiting on the worker from a terminal: Ctrl-C cancels the request instead of killing us."""

import threading
from collections.abc import Callable
from typing import Any


def interruptible(call: Callable[[], Any], cancel: Callable[[], None]) -> Any:
    """Run `call` in a thread, so that Ctrl-C here calls `cancel` (stop the worker) instead."""
    result: dict[str, Any] = {}
    done = threading.Event()  # not Thread.join: a Ctrl-C inside join can leave it confused

    def run() -> None:
        try:
            result["value"] = call()
        except BaseException as e:  # noqa: BLE001 - handed back to the caller below
            result["error"] = e
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    while not done.is_set():
        try:
            done.wait(0.1)
        except KeyboardInterrupt:
            cancel()
    if "error" in result:
        raise result["error"]
    return result["value"]
