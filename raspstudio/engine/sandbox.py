"""How the worker process is started: in the strongest sandbox that works here.

1. bubblewrap (`bwrap`), when installed and allowed to make namespaces: the worker sees the
   file system read-only (so it can read the programs it checks, wherever they are), a private
   scratch folder (a small tmpfs mounted over an empty 0700 folder of ours, its only writable
   place and its current folder), a private `/proc` in which no front end exists, no network,
   no IPC with the host.
2. Otherwise, on Linux with Landlock and libseccomp: the worker confines itself at start-up
   (`raspstudio/worker/confine.py`): writes only to its scratch folder, no sockets, no leaving
   its process group; other processes stay visible.
3. Otherwise nothing beyond what every mode has: an environment of a few harmless variables
   (never an API key), the scratch folder as current folder, resource limits and a process
   group killed as a whole; user code can read and write what the user can, and reach the
   network.

`describe()` says which holds, for `rasp doctor`. `RASP_SANDBOX=landlock` skips bubblewrap and
`RASP_SANDBOX=none` skips both (for tests, and for debugging the worker itself).
"""

import functools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

# The variables the worker keeps: locale, and the ones that change how NumPy and BLAS compute.
KEPT_VARIABLES = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH", "OPENBLAS_CORETYPE")
KEPT_PREFIXES = ("OPENBLAS_", "OMP_", "MKL_")
SCRATCH_BYTES = 64 * 1024 * 1024  # the sandbox's scratch folder: a tmpfs, so this is memory


@dataclass
class Launch:
    argv: list[str]
    env: dict[str, str]
    cwd: str
    scratch: str  # the worker's private folder, removed when the worker is gone


def environment(home: str) -> dict[str, str]:
    """The worker's whole environment: nothing secret, nothing that changes what runs."""
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": home, "PYTHONDONTWRITEBYTECODE": "1"}
    for name, value in os.environ.items():
        if name in KEPT_VARIABLES or name.startswith(KEPT_PREFIXES):
            env[name] = value
    return env


def _bwrap_prefix(scratch: str) -> list[str]:
    return [
        "bwrap",
        "--unshare-all",  # network, PIDs, IPC, UTS, cgroups (and users, where allowed)
        "--new-session",  # no terminal to push keystrokes into
        "--as-pid-1",  # the worker is the namespace's init: when it ends, every process ends
        "--ro-bind", "/", "/",
        "--size", str(SCRATCH_BYTES), "--tmpfs", scratch,
        "--proc", "/proc",
        "--dev", "/dev",
        "--chdir", scratch,
        "--clearenv",
    ]  # fmt: skip


@functools.cache
def bubblewrap_works() -> bool:
    """Whether `bwrap` is installed and can make its namespaces here (containers may forbid)."""
    if os.environ.get("RASP_SANDBOX") in ("none", "landlock") or shutil.which("bwrap") is None:
        return False
    scratch = tempfile.mkdtemp(prefix="rasp-probe-")
    try:
        done = subprocess.run(
            [*_bwrap_prefix(scratch), "--", "/bin/true"], capture_output=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return done.returncode == 0


@functools.cache
def landlock_works() -> bool:
    """Whether the worker can confine itself with Landlock and seccomp (confine.py)."""
    if os.environ.get("RASP_SANDBOX") == "none":
        return False
    try:
        import landlock
        import pyseccomp
    except (ImportError, OSError):  # not Linux, or no libseccomp
        return False
    try:
        return landlock.landlock_abi_version() >= 1 and pyseccomp.system_arch() is not None
    except (OSError, AttributeError, RuntimeError, landlock.LandlockError):
        return False


def launch(command: list[str]) -> Launch:
    """How to start `command` (the worker) with the strongest isolation available."""
    scratch = tempfile.mkdtemp(prefix="rasp-worker-")  # 0700, ours alone
    env = environment(scratch)
    if bubblewrap_works():
        setenv = [arg for name, value in env.items() for arg in ("--setenv", name, value)]
        return Launch([*_bwrap_prefix(scratch), *setenv, "--", *command], {}, "/", scratch)
    if landlock_works():
        return Launch([*command, "--confine", scratch], env, scratch, scratch)
    return Launch(command, env, scratch, scratch)


def describe() -> list[str]:
    """What is and is not contained, in words (`rasp doctor`)."""
    if bubblewrap_works():
        return [
            "isolation: bubblewrap (user code runs in a sandbox)",
            "  file system read-only; writes only to a private 64 MiB scratch folder",
            "  no network; no view of other processes; environment cleared (no API keys)",
            "  memory, CPU time and file size limited; every process it starts dies with it",
        ]
    if landlock_works():
        return [
            "isolation: landlock+seccomp (the worker confines itself; bubblewrap not used)",
            "  writes only to a private scratch folder; the file system stays readable",
            "  no sockets (no network); processes it starts stay in its group and die with it",
            "  environment cleared (no API keys); memory, CPU time and file size limited",
            "  NOT contained: other processes are visible in /proc; no PID namespace",
        ]
    why = (
        "RASP_SANDBOX=none"
        if os.environ.get("RASP_SANDBOX") == "none"
        else "bubblewrap is not installed and Landlock or libseccomp is missing"
        if shutil.which("bwrap") is None
        else "bubblewrap cannot create namespaces here and Landlock or libseccomp is missing"
    )
    return [
        f"isolation: none ({why}); user code runs as you, in a separate process",
        "  contained: environment cleared (no API keys), a private scratch folder as current",
        "  folder, memory, CPU time and file size limits, killed as a group with the front end",
        "  NOT contained: reading and writing your files, network access",
        "  install bubblewrap (e.g. `apt-get install bubblewrap`) for a sandbox",
    ]
