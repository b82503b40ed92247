"""Typing fast: an edit every 60 ms for 30 s keeps diagnostics coming, with no worker restart.

A raw client (tests/lsp/test_faults.py) types into a program file the way a fast typist does
and records every diagnostics push, while a thread records every worker process the server
starts. Checks must keep finishing while the edits keep coming (each one published, even if
the text has moved on since), and edits must not cost worker restarts.
"""

import threading
import time
from pathlib import Path

from tests.lsp.test_faults import RawClient
from tests.lsp_support import ROOT
from tests.processes import cmdline, parents

# A check of a second or so (9,840 inputs): far longer than the pause between two edits.
REVERSE = (
    (ROOT / "programs/positional/reverse.py")
    .read_text()
    .replace("MAX_SEQ_LEN = 5", "MAX_SEQ_LEN = 8")
)
EDITS = 500  # one every 60 ms: 30 s of typing
PAUSE = 0.06


def _unused(version: int) -> str:
    """A line leaving an operation unused, named for the version: every version has diagnostics
    of its own (RASP607), and the server sends diagnostics only when they change."""
    return f"\nunused_{version} = rasp.Map(lambda x: x, rasp.tokens).named('unused')\n"


def _zygotes(server_pid: int) -> set[int]:
    """The server's worker processes: the first with the worker's command line on each branch
    below the server (bubblewrap's carry it too), not the children they fork per file."""
    children: dict[int, list[int]] = {}
    for child, parent in parents().items():
        children.setdefault(parent, []).append(child)
    found, todo = set(), [server_pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if "raspstudio.worker" in cmdline(child):
                found.add(child)
            else:
                todo.append(child)
    return found


def test_fast_typing_keeps_publishing_with_one_worker(tmp_path: Path):
    raw = RawClient()
    options = {"maxInputs": 20000}
    raw.send(
        {
            "id": 1,
            "method": "initialize",
            "params": {"capabilities": {}, "initializationOptions": options},
        }
    )
    raw.wait_for(lambda m: m.get("id") == 1)
    raw.send({"method": "initialized", "params": {}})
    uri = (tmp_path / "typing.py").as_uri()
    document = {"uri": uri, "languageId": "python", "version": 1, "text": REVERSE}
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": document}})

    workers: set[int] = set()
    typing = threading.Event()

    def watch() -> None:
        while not typing.is_set():
            workers.update(_zygotes(raw.process.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        for version in range(2, EDITS + 2):
            change = {"text": REVERSE + _unused(version)}
            raw.send(
                {
                    "method": "textDocument/didChange",
                    "params": {
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [change],
                    },
                }
            )
            time.sleep(PAUSE)
    finally:
        typing.set()
        watcher.join()

    def published(m: dict) -> bool:
        return m.get("method") == "textDocument/publishDiagnostics"

    final = raw.wait_for(lambda m: published(m) and m["params"].get("version") == EDITS + 1)
    assert [d["code"] for d in final["params"]["diagnostics"]] == ["RASP607"]
    while_typing = {
        m["params"].get("version")
        for m in raw.messages
        if published(m) and 1 < (m["params"].get("version") or 0) <= EDITS
    }
    assert len(while_typing) >= 3, sorted(while_typing)
    assert 1 <= len(workers) <= 2, workers  # the server keeps two (lanes.py), never restarted
    assert raw.close() == 0
