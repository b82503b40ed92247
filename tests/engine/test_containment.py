"""Hostile program files against the worker boundary, through `rasp check` and `rasp run`.

Each test plants a file that attacks one way (a reply that runs code when unpickled, reading
the API key, writing outside, opening a socket, poisoning the checker for later files, forking
a process that outlives the check, surviving the front end's SIGTERM) and asserts the attack
had no effect where it matters: in the front end, on the host, on other files' verdicts.
Each runs under bubblewrap (which `make test` installs) and under the fallback for machines
without it (the worker confining itself with Landlock and seccomp); `rasp doctor` says which
is on.
"""

import json
import os
import signal
import socket
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, RASP, run_rasp
from tests.processes import GUARD, alive, cmdline, descendants, processes_with, wait_until

# Each containment test runs under bubblewrap (which `make test` installs) and under the
# fallback used where it is missing: the worker confining itself with Landlock and seccomp.
SANDBOXES = {"bubblewrap": {}, "landlock": {"RASP_SANDBOX": "landlock"}}

PICKLE_RIDER = """from tracr.rasp import rasp

VOCAB = {{1, 2}}
MAX_SEQ_LEN = 2


class Rider:
    def __reduce__(self):  # what unpickling this value would run, wherever it is unpickled
        return (exec, ("open({marker!r}, 'w').write('ran')",))


program = rasp.Map(lambda x: Rider(), rasp.tokens).named("program")
"""

READS_THE_KEY = """import os
from tracr.rasp import rasp

VOCAB = {1, 2}
raise RuntimeError("the key is " + repr(os.environ.get("OPENAI_API_KEY")))
"""

WRITES_OUTSIDE = """from pathlib import Path
from tracr.rasp import rasp

Path({target!r}).write_text("written by user code")
VOCAB = {{1, 2}}
program = rasp.Map(lambda x: x, rasp.tokens).named("program")
"""

CONNECTS = """import socket
from tracr.rasp import rasp

try:
    socket.create_connection(("127.0.0.1", {port}), timeout=5).sendall(b"hello")
except OSError:
    pass
VOCAB = {{1, 2}}
program = rasp.Map(lambda x: x, rasp.tokens).named("program")
"""

# Sorted first in its folder: patches the checker, then keeps re-patching from a thread.
POISONS_LATER_FILES = """import math
import threading
import time

import raspstudio.pipeline.check as check
from tracr.rasp import rasp


def poison():
    check.outputs_agree = lambda *args, **kwargs: True
    math.isclose = lambda *args, **kwargs: True


def keep_poisoning():
    while True:
        poison()
        time.sleep(0.01)


poison()
threading.Thread(target=keep_poisoning, daemon=True).start()
VOCAB = {1, 2}
program = rasp.Map(lambda x: x, rasp.tokens).named("program")
"""

FORKS_AN_ORPHAN = """import os
import sys
from tracr.rasp import rasp

if os.fork() == 0:
    os.setsid()
    os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", {tag!r}])
VOCAB = {{1, 2}}
program = rasp.Map(lambda x: x, rasp.tokens).named("program")
"""

# Writes a forged message into every descriptor of the front end (its stdout: the LSP channel,
# or the `--format json` document), found through /proc from the worker's parent.
WRITES_TO_THE_FRONT_END = """import json
import os

from tracr.rasp import rasp

message = {{"type": 1, "message": {tag!r}}}
shown = {{"jsonrpc": "2.0", "method": "window/showMessage", "params": message}}
forged = json.dumps(shown).encode()
zygote = os.getppid()
front = int(open(f"/proc/{{zygote}}/stat").read().rsplit(")", 1)[1].split()[1])
for pid in (front,):
    try:
        fds = os.listdir(f"/proc/{{pid}}/fd")
    except OSError:
        continue
    for fd in fds:  # every descriptor: a server's channel need not be fd 1
        try:
            with open(f"/proc/{{pid}}/fd/{{fd}}", "wb") as stream:
                stream.write(b"Content-Length: %d\\r\\n\\r\\n%s" % (len(forged), forged))
        except OSError:
            pass
VOCAB = {{1, 2}}
program = rasp.Map(lambda x: x, rasp.tokens).named("program")
"""

FORK_BOMB = """import os

from tracr.rasp import rasp

while True:
    os.fork()
"""

LOOPS_AT_LOAD = """from tracr.rasp import rasp

while True:
    pass
"""


@pytest.fixture(params=list(SANDBOXES))
def sandbox(request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment that selects a sandbox for `rasp`."""
    return SANDBOXES[request.param]


def test_a_reply_that_would_run_code_when_unpickled_runs_nothing(tmp_path: Path):
    marker = tmp_path / "rider-ran"
    program = tmp_path / "rider.py"
    program.write_text(PICKLE_RIDER.format(marker=str(marker)))
    result = run_rasp("run", str(program), "--input", "1 2")
    assert not marker.exists()
    assert result.returncode == 1
    assert "cannot leave the worker (plain data only)" in result.stderr


def test_user_code_never_sees_the_api_key(tmp_path: Path, sandbox: dict):
    secret = f"sk-test-{uuid.uuid4().hex}"
    program = tmp_path / "key.py"
    program.write_text(READS_THE_KEY)
    result = run_rasp("check", str(program), env={"OPENAI_API_KEY": secret, **sandbox})
    assert "RuntimeError while loading the file: the key is None" in result.stdout
    assert secret not in result.stdout + result.stderr


def test_user_code_cannot_write_outside_its_scratch_folder(tmp_path: Path, sandbox: dict):
    target = tmp_path / "outside.txt"
    program = tmp_path / "writes.py"
    program.write_text(WRITES_OUTSIDE.format(target=str(target)))
    result = run_rasp("check", str(program), env=sandbox)
    assert not target.exists()
    refused = "Permission denied" if sandbox else "Read-only file system"
    assert "RASP102" in result.stdout and refused in result.stdout


def test_user_code_reaches_no_socket(tmp_path: Path, sandbox: dict):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    program = tmp_path / "connects.py"
    program.write_text(CONNECTS.format(port=listener.getsockname()[1]))
    try:
        result = run_rasp("check", str(program), env=sandbox)
        assert result.returncode == 0, result.stdout
        with pytest.raises(TimeoutError):  # the check is over: any connection is queued now
            listener.accept()
    finally:
        listener.close()


def test_user_code_cannot_write_to_the_front_ends_stdout(tmp_path: Path, sandbox: dict):
    tag = f"forged-{uuid.uuid4().hex}"
    program = tmp_path / "forges.py"
    program.write_text(WRITES_TO_THE_FRONT_END.format(tag=tag))
    result = run_rasp("check", str(program), "--format", "json", env=sandbox)
    assert tag not in result.stdout
    assert json.loads(result.stdout)["summary"]["errors"] == 0


def test_a_file_cannot_poison_the_verdicts_of_files_checked_after_it(tmp_path, sandbox: dict):
    (tmp_path / "aaa_poison.py").write_text(POISONS_LATER_FILES)
    wrong = (FIXTURES / "negative_numerical_map.py").read_text()
    (tmp_path / "zzz_wrong.py").write_text(wrong)
    result = run_rasp("check", str(tmp_path), "--format", "json", env=sandbox)
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert "RASP501" in [d["code"] for d in files["zzz_wrong.py"]["diagnostics"]]
    assert result.returncode == 1


def test_a_forked_process_does_not_outlive_the_check(tmp_path: Path, sandbox: dict):
    tag = f"rasp-orphan-{uuid.uuid4().hex}"
    program = tmp_path / "forks.py"
    program.write_text(FORKS_AN_ORPHAN.format(tag=tag))
    run_rasp("check", str(program), env=sandbox)
    wait_until(lambda: not processes_with(tag), "the forked process ending")


def test_a_fork_bomb_starts_no_process(tmp_path: Path, sandbox: dict):
    program = tmp_path / "bomb.py"
    program.write_text(FORK_BOMB)
    result = run_rasp("check", str(program), "--timeout", "60", env=sandbox)
    assert "RASP102" in result.stdout and "Operation not permitted" in result.stdout
    assert result.returncode == 1


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL], ids=str)
def test_the_worker_ends_with_the_front_end(tmp_path, how: signal.Signals, sandbox: dict):
    program = tmp_path / "spins.py"
    program.write_text(LOOPS_AT_LOAD)
    front = subprocess.Popen(
        [str(RASP), "check", str(program), "--timeout", "3600"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **sandbox},
    )
    try:
        # Running user code: the worker and the child it forked for this file (2 processes
        # with the worker's command line, inside the sandbox or not).
        def spinning() -> bool:
            tree = descendants(front.pid)
            return sum("raspstudio.worker" in cmdline(p) for p in tree) >= 2

        wait_until(spinning, "the worker running the file")
        tree = descendants(front.pid)
        os.kill(front.pid, how)
        front.wait(GUARD)
        wait_until(lambda: not any(alive(p) for p in tree), "the worker's tree ending")
    finally:
        front.kill()


@pytest.mark.parametrize(
    "env, says",
    [
        ({}, "isolation: bubblewrap"),
        ({"RASP_SANDBOX": "landlock"}, "isolation: landlock+seccomp"),
        ({"RASP_SANDBOX": "none"}, "isolation: none (RASP_SANDBOX=none)"),
    ],
)
def test_doctor_says_which_isolation_is_active(env: dict, says: str):
    result = run_rasp("doctor", env=env)
    assert result.returncode == 0
    assert result.stdout.startswith(says)
