"""The exception that stops user code mid-request (a timeout or a cancel).

A module of its own, importing nothing, so the worker can install the handler that raises it
before its slow imports."""


class Interrupted(BaseException):
    """Raised inside user code when the worker is told its request took too long."""
