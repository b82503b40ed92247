"""The `rasp` command line's grammar: every sub-command and option, and nothing that runs them.

Kept apart from the commands so that `rasp --help` (and every command's start) imports only
argparse and a few constants: the commands' modules load when they run.

Exit codes: 0 no error diagnostics, 1 errors found, 2 usage error.
"""

import argparse
import os
from collections.abc import Callable

from raspstudio.drafting.data import DraftSettings
from raspstudio.engine import DEFAULT_TIMEOUT

_SETTINGS = DraftSettings()


class UsageError(Exception):
    """A command line that cannot be run as given: one line on stderr, exit code 2."""


def _int_at_least(minimum: int, expected: str) -> Callable[[str], int]:
    """An argparse type: an integer of at least `minimum`, else "expected <expected>"."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1, "a positive integer")
_jobs = _int_at_least(0, "0 (one per core) or more jobs")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (plus a pointer to --help), not the usage block."""

    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


EXIT_CODES = "exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error"


def package_version() -> str:
    """The installed rasp-studio's version, or "unknown" in a checkout never installed."""
    from importlib import metadata

    try:
        return metadata.version("rasp-studio")
    except metadata.PackageNotFoundError:
        return "unknown"


def _codes(text: str) -> list[str]:
    from raspstudio.cli.selection import code_prefixes

    return code_prefixes(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rasp", description="Check, run and compile tracr RASP programs.", epilog=EXIT_CODES
    )
    parser.add_argument("--version", action="version", version=f"rasp-studio {package_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    config = _Parser(add_help=False)
    group = config.add_argument_group("configuration (overrides file constants and pyproject)")
    group.add_argument("--vocab", help='tokens separated by spaces, e.g. "a b c" or "0 1 2"')
    group.add_argument(
        "--max-seq-len", type=_positive_int, metavar="N", help="longest input (BOS not counted)"
    )
    group.add_argument(
        "--causal",
        action="store_true",
        default=None,
        help="compile with causal attention (each position sees only those before it)",
    )
    group.add_argument(
        "--mlp-exactness",
        type=_positive_int,
        metavar="K",
        help="how finely tracr's MLPs approximate numerical functions (default 100)",
    )
    group.add_argument(
        "--max-inputs",
        type=_positive_int,
        metavar="M",
        help="inputs run per program: all of them up to M (default 2000), else a sample",
    )
    group.add_argument(
        "--backend",
        choices=["numpy", "jax"],
        help="compiled-model backend: numpy (default, fast) or jax (stock tracr, for comparison)",
    )
    group.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"limit per load or program check (default {DEFAULT_TIMEOUT:g})",
    )

    scan = _Parser(add_help=False)
    scan.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="skip files and folders matching this glob when scanning folders (repeatable; "
        "adds to [tool.rasp] exclude and to the defaults: hidden folders, venv, build, dist, "
        "node_modules)",
    )

    parallel = _Parser(add_help=False)
    parallel.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="programs checked at once, each job in its own process and worker (default 1; "
        "0: one per core); output is the same as with one",
    )

    cluster = _Parser(add_help=False)
    cluster.add_argument(
        "--scheduler",
        default=os.environ.get("RASP_DASK_SCHEDULER") or None,
        metavar="ADDRESS",
        help="run on this Dask cluster (default: $RASP_DASK_SCHEDULER), e.g. "
        "tcp://10.0.0.5:8786; needs the [dask] extra, and the files at the same paths on "
        "every machine (docs/scale.md)",
    )

    check = commands.add_parser(
        "check",
        parents=[config, scan, parallel, cluster],
        help="verify programs and print diagnostics",
        epilog=EXIT_CODES,
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    check.add_argument(
        "--program", metavar="NAME", help="only this program of each file (`program`, make_x)"
    )
    check.add_argument(
        "--output-format",
        "--format",
        dest="format",
        choices=["text", "json", "github", "sarif"],
        default="text",
        metavar="FORMAT",
        help="text: one line per diagnostic (default); json: one object for the run (see "
        "README); github: GitHub Actions annotations; sarif: a SARIF 2.1.0 log",
    )
    check.add_argument(
        "--select",
        type=_codes,
        metavar="CODES",
        help="report only these codes, by prefix: RASP5,RASP605 or ALL (default: all but "
        "the hint RASP605)",
    )
    check.add_argument(
        "--ignore", type=_codes, metavar="CODES", help="do not report these codes (by prefix)"
    )

    run = commands.add_parser("run", parents=[config], help="interpreter vs compiled output")
    run.add_argument("file", metavar="FILE")
    run.add_argument(
        "--input",
        help='tokens separated by spaces, e.g. "a b c" (default: the file\'s first EXAMPLES)',
    )
    run.add_argument("--program", metavar="NAME")
    run.add_argument("--format", choices=["text", "json"], default="text")

    compile_ = commands.add_parser("compile", parents=[config], help="show the compiled layers")
    compile_.add_argument("file", metavar="FILE")
    compile_.add_argument("--program", metavar="NAME")
    compile_.add_argument("--format", choices=["text", "json"], default="text")

    export = commands.add_parser(
        "export",
        parents=[config, scan, parallel, cluster],
        help="write verified programs as testbeds (weights + map)",
    )
    export.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    export.add_argument("-o", "--output", required=True, metavar="DIR", help="where to write")
    export.add_argument(
        "--force", action="store_true", help="write into DIR even if it is not empty"
    )
    export.add_argument(
        "--shard-size",
        type=_positive_int,
        metavar="K",
        help="write shards of K testbeds (DIR/shard-NNNNN.safetensors + .jsonl) instead of a "
        "folder each (docs/export.md)",
    )

    testbed = commands.add_parser("testbed", help="check exported testbeds without their source")
    actions = testbed.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="run a testbed's stored inputs and check its circuit by ablation",
        epilog=EXIT_CODES,
    )
    verify.add_argument(
        "dir", metavar="DIR", help="a testbed folder, a shard, or a folder of either"
    )
    verify.add_argument(
        "--backend",
        choices=["numpy", "transformer-lens"],
        default="numpy",
        help="run the weights with NumPy (default) or as a TransformerLens model (needs the "
        "[lens] extra)",
    )
    verify.add_argument("--format", choices=["text", "json"], default="text")

    repl = commands.add_parser("repl", help="interactive: define RASP, see it run and compile")
    repl.add_argument("file", nargs="?", metavar="FILE", help="a program file to start with")
    repl.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS")

    sample = commands.add_parser(
        "sample",
        parents=[parallel, cluster],
        help="random programs that compile and verify, for corpora (docs/sampling.md)",
    )
    sample.add_argument("count", type=_positive_int, metavar="N", help="how many programs")
    sample.add_argument("-o", "--output", required=True, metavar="DIR", help="where to write")
    sample.add_argument("--seed", type=int, default=0, help="the same seed, the same files")
    sample.add_argument("--force", action="store_true", help="write into DIR even if not empty")
    sample.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"limit per check of a candidate (default {DEFAULT_TIMEOUT:g})",
    )

    _add_draft_commands(commands, _Parser, parallel)
    commands.add_parser("serve", help="language server on stdin/stdout (for editors)")
    commands.add_parser("doctor", help="say how user code is isolated on this machine")
    return parser


def _add_draft_commands(
    commands: argparse._SubParsersAction, parser_class: type, parallel: argparse.ArgumentParser
) -> None:
    llm = parser_class(add_help=False)
    group = llm.add_argument_group(
        "model (the API key is read from OPENAI_API_KEY, never from a flag)"
    )
    group.add_argument("--model", help="model name (default: $RASP_LLM_MODEL, else gpt-4o-mini)")
    group.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
    group.add_argument("--samples", type=int, default=_SETTINGS.samples, metavar="K")
    group.add_argument("--rounds", type=int, default=_SETTINGS.rounds, metavar="R")
    group.add_argument("--shots", type=int, default=_SETTINGS.shots, metavar="N")
    group.add_argument(
        "--llm-timeout", type=float, metavar="SECONDS", help="per request to the model"
    )
    group.add_argument(
        "--timeout", type=float, default=10.0, metavar="SECONDS", help="per check of a draft"
    )

    one = commands.add_parser(
        "draft", parents=[llm], help="write a verified program from a spec with an LLM"
    )
    one.add_argument("spec", metavar="SPEC", help="what the program computes, in words")
    one.add_argument(
        "--example",
        action="append",
        default=[],
        metavar='"IN -> OUT"',
        help='an input and its output, e.g. "1 2 3 -> 3 2 1" (repeatable)',
    )
    one.add_argument("--vocab", help="tokens separated by spaces (default: the model chooses)")
    one.add_argument("--max-seq-len", type=int, metavar="N")
    one.add_argument(
        "--reference-first",
        action="store_true",
        help="ask for a plain-Python reference first and use it as the oracle",
    )
    one.add_argument("-o", "--output", metavar="FILE", help="write the draft here")
    one.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    one.add_argument("--format", choices=["text", "json"], default="text")

    many = commands.add_parser(
        "draft-eval",
        parents=[llm, parallel],
        help="TracrBench-style evaluation of drafting on a task file",
    )
    many.add_argument("tasks", metavar="TASKS.jsonl")
    many.add_argument("--limit", type=int, metavar="N", help="only the first N tasks")
    many.add_argument("--only", metavar="NAMES", help="comma-separated task names")
    many.add_argument("--format", choices=["text", "json"], default="text")
