"""The worker's own confinement where bubblewrap is missing: Landlock and seccomp (Linux).

Applied by the worker to itself at start-up, before it starts a thread or imports tracr, so
every child it forks (each file's) inherits it and cannot undo it:

- Landlock (kernel 5.13+): the file system stays readable, but creating, writing, truncating,
  renaming and removing files is refused everywhere except the private scratch folder (and
  `/dev/null`);
- seccomp: `socket` fails (no network, not even a Unix socket to a local daemon), and so do
  `setsid`/`setpgid` (a process that user code starts stays in the worker's process group,
  which the front end kills as a whole), `ptrace` and `process_vm_writev` (no reaching into
  other processes).

Unlike bubblewrap, other processes stay visible in `/proc` and there is no PID namespace.

`no_new_processes()` is applied in every mode (bubblewrap too) to the child that serves one
file: user code may start threads but no process (fork, vfork, clone without CLONE_THREAD and
execve fail), so neither a fork bomb nor a process left behind can come from a program file.
`clone3` answers ENOSYS, so the C library creates threads with `clone`, whose flags seccomp
can read.
Uses the `landlock` and `pyseccomp` packages (ctypes bindings over the kernel's system calls
and libseccomp); `raspstudio.engine.sandbox` checks that both work before asking for this.
"""

import errno

import landlock
import pyseccomp

# Landlock rights that change the file system, and the ABI version that introduced each.
_WRITES = {
    landlock.FSAccess.WRITE_FILE: 1,
    landlock.FSAccess.REMOVE_DIR: 1,
    landlock.FSAccess.REMOVE_FILE: 1,
    landlock.FSAccess.MAKE_CHAR: 1,
    landlock.FSAccess.MAKE_DIR: 1,
    landlock.FSAccess.MAKE_REG: 1,
    landlock.FSAccess.MAKE_SOCK: 1,
    landlock.FSAccess.MAKE_FIFO: 1,
    landlock.FSAccess.MAKE_BLOCK: 1,
    landlock.FSAccess.MAKE_SYM: 1,
    landlock.FSAccess.REFER: 2,
    landlock.FSAccess.TRUNCATE: 3,
}
_DENIED_CALLS = ("socket", "setsid", "setpgid", "ptrace", "process_vm_writev")
CLONE_THREAD = 0x10000  # <linux/sched.h>: a new thread, not a new process


def confine(scratch: str) -> None:
    """Restrict this process (and what it forks) as the module docstring says."""
    abi = landlock.landlock_abi_version()
    writes = landlock.FSAccess(0)
    for right, since in _WRITES.items():
        if abi >= since:
            writes |= right
    rules = landlock.Ruleset(restrict_rules=writes)
    rules.allow(scratch)
    rules.allow("/dev/null", rules=writes & landlock.FSAccess.WRITE_FILE)
    rules.apply()

    calls = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    for name in _DENIED_CALLS:
        calls.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
    calls.load()


def no_new_processes() -> None:
    """From now on this process can start threads but no process (see the module docstring)."""
    calls = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    for name in ("fork", "vfork", "execve", "execveat"):
        calls.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
    calls.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "clone3")
    not_a_thread = pyseccomp.Arg(0, pyseccomp.MASKED_EQ, CLONE_THREAD, 0)
    calls.add_rule(pyseccomp.ERRNO(errno.EPERM), "clone", not_a_thread)
    calls.load()
