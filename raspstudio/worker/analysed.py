"""The programs analysed in this worker, by name: what `verify`, `trace`, `hint`, `search`,
`witness`, `describe` and `export` work on.

A file's programs are analysed by `analyze` (handlers.py), the REPL's by `repl_analyze`
(repl_session.py); the requests after that are the same for both, so the judge's questions
(engine/judging.py) reach either through one set of handlers.
"""

from raspstudio.pipeline import check
from raspstudio.pipeline.probe import RequestError

checks: dict[str, check.ProgramCheck] = {}


def get(name: str) -> check.ProgramCheck:
    if name not in checks:
        raise RequestError(f"program {name!r} has not been analysed")
    return checks[name]
