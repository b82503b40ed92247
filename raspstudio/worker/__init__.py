"""The worker process: the only place user code runs (`python -P -m raspstudio.worker`).

Nothing outside this package imports it; `raspstudio.engine.worker_client` starts it by module
name and talks to it over two pipes. `handlers` answers the file requests, `repl_session` keeps
a REPL's definitions, `views`, `plot` and `testbed` describe a program for the front ends.
"""

from raspstudio import lazy_tracr

lazy_tracr.install()
