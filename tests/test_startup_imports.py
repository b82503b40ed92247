"""What each front end imports before it is ready, seen in fresh interpreters.

`rasp --help`, `check`, `run` and `compile` are run in-process by a fresh interpreter that
then lists `sys.modules`; `rasp serve` (up to its `initialize` reply) and the REPL (up to its
prompt, in tmux) are real processes run with `-X importtime`, which logs every module they
import. None may import drafting's `openai`, JAX, haiku or matplotlib: those load only when
`rasp draft`, `--backend jax` or `:plot` asks for them. The worker never imports `openai`
or `rich`.
"""

import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
REVERSE = ROOT / "programs/positional/reverse.py"
HEAVY = {"openai", "jax", "haiku", "matplotlib"}
GUARD = 120  # seconds; only against a hang


def _top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def _modules_after_main(*argv: str) -> set[str]:
    """The modules a fresh `rasp ARGV` process holds when its command has finished."""
    script = (
        "import contextlib, io, json, sys\n"
        "from raspstudio.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        f"    main({list(argv)!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    return _modules_after(script)


def _modules_after(script: str) -> set[str]:
    """`sys.modules` of a fresh interpreter once `script` has run (it prints them last)."""
    done = subprocess.run(
        [sys.executable, "-P", "-c", script],
        capture_output=True,
        text=True,
        timeout=GUARD,
        cwd="/",
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _imported(importtime_log: str) -> set[str]:
    """Module names from `-X importtime` output (`import time: self | cumulative | name`)."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_log.splitlines()
        if line.startswith("import time:") and "|" in line and "imported package" not in line
    }


def test_help_imports_only_the_grammar():
    loaded = _top_level(_modules_after_main("--help"))
    assert loaded & (HEAVY | {"numpy", "rich", "tracr", "pygls", "prompt_toolkit"}) == set()


@pytest.mark.parametrize(
    "argv",
    [
        ["check", str(REVERSE)],
        ["run", str(REVERSE), "--input", "a b"],
        ["compile", str(REVERSE)],
    ],
    ids=lambda argv: argv[0],
)
def test_file_commands_leave_drafting_and_jax_unloaded(argv: list[str]):
    loaded = _top_level(_modules_after_main(*argv))
    assert loaded & (HEAVY | {"tracr", "pygls", "prompt_toolkit"}) == set()


def test_the_language_server_initializes_without_heavy_imports(tmp_path: Path):
    log = tmp_path / "imports.log"
    with log.open("wb") as stderr:  # a file: a full pipe would stop the server mid-import
        server = subprocess.Popen(
            [sys.executable, "-P", "-X", "importtime", "-m", "raspstudio", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd="/",
        )
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"processId": None, "rootUri": None, "capabilities": {}},
        }
    ).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    server.stdin.flush()
    header = server.stdout.readline()  # blocks until the reply to `initialize` starts
    assert header.startswith(b"Content-Length:")
    server.kill()
    server.wait(timeout=GUARD)
    loaded = _top_level(_imported(log.read_text()))
    assert "pygls" in loaded  # the log is read right
    assert loaded & (HEAVY | {"tracr"}) == set()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (make test installs it)")
def test_the_repl_reaches_its_prompt_without_heavy_imports(tmp_path: Path):
    log, session = tmp_path / "imports.log", f"rasp-imports-{uuid.uuid4().hex[:8]}"
    command = f"{sys.executable} -P -X importtime -m raspstudio repl 2>{log}"
    env = f"env XDG_DATA_HOME={tmp_path}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, f"{env} {command}"], check=True)
    try:
        deadline = time.monotonic() + GUARD
        while "rasp>" not in _screen(session):
            if time.monotonic() > deadline:  # a guard against a hang, not a speed check
                raise TimeoutError(_screen(session))
            time.sleep(0.1)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    loaded = _top_level(_imported(log.read_text()))
    assert "prompt_toolkit" in loaded
    assert loaded & (HEAVY | {"tracr"}) == set()


def _screen(session: str) -> str:
    capture = ["tmux", "capture-pane", "-p", "-t", session]
    return subprocess.run(capture, capture_output=True, text=True).stdout


def test_the_worker_never_imports_drafting_or_rich():
    """Everything the worker imports at start and while serving every kind of request."""
    script = f"""
import json, sys
from raspstudio.worker import handlers
handlers.load({str(REVERSE)!r})
handlers.analyze("program"); handlers.verify("program"); handlers.describe("program")
handlers.run("program", ["a", "b"]); handlers.compile("program"); handlers.export("program")
handlers.HANDLERS["repl_start"](); handlers.HANDLERS["repl_load"]({str(REVERSE)!r})
handlers.HANDLERS["repl_execute"]("x = rasp.Map(lambda t: t, rasp.tokens)")
handlers.HANDLERS["repl_trace"]("program", ["a", "b"])
print(json.dumps(sorted(sys.modules)))
"""
    loaded = _top_level(_modules_after(script))
    assert "tracr" in loaded
    assert loaded & {"openai", "rich", "matplotlib", "jax", "haiku", "pygls", "prompt_toolkit"} == (
        set()
    )


def test_importtime_lines_are_parsed():
    log = "import time: self [us] | cumulative | imported package\nimport time: 5 | 9 |   a.b\n"
    assert _imported(log) == {"a.b"}
