"""The client side of the worker: the only door front ends and drafting have to user code.

Nothing here runs user code or imports tracr: requests go to the worker process
(`raspstudio.worker`, started by module name) and come back as report types
(`raspstudio.report`). `file_requests.Engine` checks, runs and compiles files;
`repl_requests.ReplSession` drives a REPL session; `worker_client.Worker` owns the process.
"""

from raspstudio.engine.file_requests import Engine
from raspstudio.engine.repl_requests import ReplSession
from raspstudio.engine.worker_client import DEFAULT_TIMEOUT, Worker, WorkerError

__all__ = ["DEFAULT_TIMEOUT", "Engine", "ReplSession", "Worker", "WorkerError"]
