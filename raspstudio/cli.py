"""The `rasp` command line (DESIGN §5): check, run, compile and export program files.

Drafting with an LLM (`rasp draft`, `rasp draft-eval`) has its own module, cli_draft.py.

Exit codes: 0 no error diagnostics, 1 errors found, 2 usage error.
"""

import argparse
import json
import shutil
import signal
import sys
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import Progress

from raspstudio import cli_draft
from raspstudio.config import ConfigError, resolve_config
from raspstudio.engine import Engine
from raspstudio.inputs import parse_tokens
from raspstudio.report import (
    Diagnostic,
    FileReport,
    ModelSummary,
    counted,
    model_json,
    summary_json,
)
from raspstudio.text import diagnostic_lines, display_path, layer_table, run_lines, verdict
from raspstudio.worker import DEFAULT_TIMEOUT, Worker


class UsageError(Exception):
    pass


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (plus a pointer to --help), not the usage block."""

    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rasp", description="Check, run and compile tracr RASP programs.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    config = _Parser(add_help=False)
    group = config.add_argument_group("configuration (overrides file constants and pyproject)")
    group.add_argument("--vocab", help='tokens separated by spaces, e.g. "a b c" or "0 1 2"')
    group.add_argument("--max-seq-len", type=_positive_int, metavar="N")
    group.add_argument("--causal", action="store_true", default=None)
    group.add_argument("--mlp-exactness", type=_positive_int, metavar="K")
    group.add_argument("--max-inputs", type=_positive_int, metavar="M")
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

    check = commands.add_parser(
        "check", parents=[config], help="verify programs and print diagnostics"
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    check.add_argument("--format", choices=["text", "json"], default="text")

    run = commands.add_parser("run", parents=[config], help="interpreter vs compiled output")
    run.add_argument("file", metavar="FILE")
    run.add_argument("--input", required=True, help='tokens separated by spaces, e.g. "a b c"')
    run.add_argument("--program", metavar="NAME")

    compile_ = commands.add_parser("compile", parents=[config], help="show the compiled layers")
    compile_.add_argument("file", metavar="FILE")
    compile_.add_argument("--program", metavar="NAME")
    compile_.add_argument("--format", choices=["text", "json"], default="text")

    export = commands.add_parser(
        "export", parents=[config], help="write verified programs as testbeds (weights + map)"
    )
    export.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    export.add_argument("-o", "--output", required=True, metavar="DIR", help="where to write")

    repl = commands.add_parser("repl", help="interactive: define RASP, see it run and compile")
    repl.add_argument("file", nargs="?", metavar="FILE", help="a program file to start with")
    repl.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS")

    cli_draft.add_commands(commands, _Parser)
    commands.add_parser("serve", help="language server on stdin/stdout (for editors)")
    return parser


def _overrides(args: argparse.Namespace) -> dict:
    overrides = {
        "vocab": parse_tokens(args.vocab) if args.vocab is not None else None,
        "max_seq_len": args.max_seq_len,
        "causal": args.causal,
        "mlp_exactness": args.mlp_exactness,
        "max_inputs": args.max_inputs,
        "backend": args.backend,
    }
    overrides = {k: v for k, v in overrides.items() if v is not None}
    try:
        resolve_config({}, {}, overrides)
    except ConfigError as e:
        raise UsageError(str(e).replace("VOCAB", "--vocab")) from None
    return overrides


def _python_files(paths: list[str]) -> list[Path]:
    """Expand folders to the RASP files in them; reject what cannot be a program file."""
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*.py")
                if not any(part.startswith((".", "__pycache__")) for part in p.parts)
                and _mentions_rasp(p)
            )
        elif not path.exists():
            raise UsageError(f"no such file or folder: {text}")
        elif path.suffix != ".py":
            raise UsageError(f"not a Python file: {text} (program files are .py modules)")
        else:
            files.append(path)
    return files


def _mentions_rasp(path: Path) -> bool:
    try:
        return "tracr" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _print_text_report(reports: list[FileReport]) -> None:
    for report in reports:
        shown = display_path(report.path)
        _print_diagnostics(shown, report.diagnostics)
        for p in report.programs:
            print(f"{shown}:{p.line}: {verdict(p)}")
    s = summary_json(reports)
    print(
        f"Checked {counted(s['files'], 'file')}, {counted(s['programs'], 'program')}: "
        f"{counted(s['errors'], 'error')}, {counted(s['warnings'], 'warning')}."
    )


def _cmd_check(args: argparse.Namespace, engine: Engine) -> int:
    files = _python_files(args.paths)
    overrides = _overrides(args)
    reports = []
    show_progress = sys.stderr.isatty() and len(files) > 1
    with Progress(console=Console(stderr=True), transient=True, disable=not show_progress) as bar:
        task = bar.add_task("checking", total=len(files))
        for path in files:
            bar.update(task, description=f"checking {path.name}")
            report = engine.check_file(str(path), overrides=overrides)
            report.path = display_path(report.path)
            reports.append(report)
            bar.advance(task)
    if args.format == "json":
        out = {"files": [r.to_json() for r in reports], "summary": summary_json(reports)}
        print(json.dumps(out, indent=2, default=repr))
    else:
        _print_text_report(reports)
    return 1 if any(r.count("error") for r in reports) else 0


def _cmd_export(args: argparse.Namespace, engine: Engine) -> int:
    """Check each program; write the verified ones to DIR/<file>[.<program>]/ (export.py)."""
    files, out = _python_files(args.paths), Path(args.output)
    written: dict[str, str] = {}
    skipped = 0
    for path in files:
        report = engine.check_file(str(path), overrides=_overrides(args))
        shown = display_path(report.path)
        errors = [d for d in report.diagnostics if d.severity == "error"]
        _print_diagnostics(shown, errors)
        for program in report.programs:
            if program.verified_inputs == 0 or any(
                d.program in (program.name, None) for d in errors
            ):
                print(f"{shown}:{program.line}: `{program.name}` skipped: not verified")
                skipped += 1
                continue
            name = path.stem if program.name == "program" else f"{path.stem}.{program.name}"
            if name in written:
                raise UsageError(f"{shown} and {written[name]} would both be exported as {name}")
            written[name] = shown
            target = export_testbed(engine.worker.request("export", name=program.name), out / name)
            shutil.copyfile(path, target / "program.py")
            print(f"{shown}:{program.line}: `{program.name}` -> {target}")
    print(f"Exported {counted(len(written), 'program')} to {out}; {skipped} skipped.")
    return 1 if skipped else 0


def export_testbed(data: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.json").write_text(json.dumps(data["model"], indent=1, default=repr) + "\n")
    np.savez_compressed(folder / "weights.npz", **data["arrays"])
    return folder


def _single_file(text: str) -> str:
    files = _python_files([text])
    if len(files) != 1 or not Path(text).is_file():
        raise UsageError(f"expected one program file, got {text}")
    return str(files[0])


def _print_diagnostics(shown: str, diagnostics: list[Diagnostic]) -> None:
    for line in diagnostic_lines(shown, diagnostics):
        print(line)


def _print_load_errors(path: str, diagnostics: list[Diagnostic], error: str | None) -> int:
    _print_diagnostics(display_path(str(Path(path).resolve())), diagnostics)
    if error:
        print(f"rasp: {error}", file=sys.stderr)
    return 1


def _cmd_run(args: argparse.Namespace, engine: Engine) -> int:
    path = _single_file(args.file)
    tokens = parse_tokens(args.input)
    if not tokens:
        raise UsageError("--input is empty")
    result, diagnostics, error = engine.run(path, tokens, args.program, _overrides(args))
    if result is None:
        return _print_load_errors(path, diagnostics, error)
    lines, agree = run_lines(result)
    print("\n".join(lines))
    return 0 if agree else 1


def _cmd_compile(args: argparse.Namespace, engine: Engine) -> int:
    path = _single_file(args.file)
    result, diagnostics, error = engine.compile(path, args.program, _overrides(args))
    if result is None:
        return _print_load_errors(path, diagnostics, error)
    if result["error"]:
        print(f"{display_path(path)}: `{result['program']}` does not compile: {result['error']}")
        return 1
    model: ModelSummary = result["model"]
    if args.format == "json":
        print(json.dumps({"program": result["program"], **model_json(model)}, indent=2))
        return 0
    print(layer_table(result["program"], model, width=max(100, Console().width)))
    return 0


COMMANDS = {
    "check": _cmd_check,
    "run": _cmd_run,
    "compile": _cmd_compile,
    "export": _cmd_export,
    **cli_draft.COMMANDS,
}


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `rasp check | head` ends quietly
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        parser.print_help()  # a script or pipe gets help rather than a REPL waiting for input
        return 0
    # The front ends are started from here, and imported only when asked for.
    if args.command in (None, "repl"):
        from repl.app import main as repl_main

        return repl_main(getattr(args, "file", None), getattr(args, "timeout", None))
    if args.command == "serve":
        from server.app import serve

        serve()
        return 0
    engine = Engine(Worker(timeout=args.timeout))
    try:
        return COMMANDS[args.command](args, engine)
    except (UsageError, cli_draft.DraftUsageError) as e:
        print(f"rasp: error: {e}", file=sys.stderr)
        return 2
    finally:
        engine.close()


if __name__ == "__main__":
    sys.exit(main())
