"""`rasp check`, `rasp run` and `rasp compile`: program files through the engine."""

import argparse
import json
import sys
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from rich.console import Console

from raspstudio.cli import jobs, output_formats
from raspstudio.cli.arguments import UsageError, package_version
from raspstudio.cli.selection import keep_selected, selected_codes
from raspstudio.config import ConfigError, pyproject_settings, resolve_config
from raspstudio.engine import Engine
from raspstudio.report import (
    Diagnostic,
    FileReport,
    ModelSummary,
    counted,
    model_json,
    summary_json,
)
from raspstudio.text import (
    diagnostic_lines,
    display_path,
    layer_table,
    located,
    run_lines,
    show_paths,
    verdict,
)
from raspstudio.tokens import parse_tokens


def overrides_of(args: argparse.Namespace) -> dict:
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


def refuse_non_empty(out: Path, force: bool, what: str) -> None:
    """`-o DIR` of a command that writes `what` into a folder: an existing file, or a folder
    that holds anything, only with --force (nothing is overwritten unasked)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        why = "is not a folder" if not out.is_dir() else "is not empty"
        raise UsageError(f"{out} {why}; use --force to write {what} into it")


# Folders a scan never enters (besides hidden ones): environments and build outputs hold
# other people's code that mentions tracr.
DEFAULT_EXCLUDE = ["venv", "build", "dist", "node_modules", "site-packages", "__pycache__"]


def python_files(paths: list[str], exclude: list[str] | None = None) -> list[Path]:
    """Expand folders to the RASP files in them; reject what cannot be a program file.

    A folder scan skips hidden folders, DEFAULT_EXCLUDE, the `[tool.rasp] exclude` globs of
    the nearest pyproject.toml and `exclude`; a file named on the command line is always taken.
    """
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            patterns = [*DEFAULT_EXCLUDE, *_project_exclude(path), *(exclude or [])]
            files += sorted(
                p
                for p in path.rglob("*.py")
                if not _excluded(p.relative_to(path), patterns) and _mentions_rasp(p)
            )
        elif not path.exists():
            raise UsageError(f"no such file or folder: {text}")
        elif path.suffix != ".py":
            raise UsageError(f"not a Python file: {text} (program files are .py modules)")
        else:
            files.append(path)
    return files


def _project_exclude(folder: Path) -> list[str]:
    patterns = pyproject_settings(folder.resolve()).get("exclude", [])
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise UsageError("[tool.rasp] exclude must be a list of glob patterns")
    return patterns


def _excluded(relative: Path, patterns: list[str]) -> bool:
    """Whether a path under a scanned folder, or a folder on its way, matches a pattern."""
    parts = relative.parts
    if any(part.startswith(".") for part in parts):
        return True
    prefixes = [PurePosixPath(*parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch(part, pattern) or fnmatch(str(prefix), pattern)
        for pattern in patterns
        for part, prefix in zip(parts, prefixes, strict=True)
    )


def _mentions_rasp(path: Path) -> bool:
    try:
        return "tracr" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _print_text_report(reports: list[FileReport]) -> None:
    for report in reports:
        shown = display_path(report.path)
        print_diagnostics(shown, report.diagnostics)
        for p in report.programs:
            print(f"{shown}:{p.line}: {verdict(p)}")
    s = summary_json(reports)
    print(
        f"Checked {counted(s['files'], 'file')}, {counted(s['programs'], 'program')}: "
        f"{counted(s['errors'], 'error')}, {counted(s['warnings'], 'warning')}."
    )


def check_one(engine: Engine, path: Path, overrides: dict, program: str | None) -> FileReport:
    """One file's report: what `rasp check` does per file, whatever process or machine it runs
    in (raspstudio.cli.jobs)."""
    return engine.check_file(str(path), overrides=overrides, only=program)


def _cmd_check(args: argparse.Namespace, engine: Engine) -> int:
    files = python_files(args.paths, args.exclude)
    work = (overrides_of(args), args.program)
    reports = list(jobs.each(check_one, files, work, engine, args.jobs, "checking", args.scheduler))
    for report in reports:
        show_paths(report)
    if args.program and not any(r.programs for r in reports):
        raise UsageError(f"no program named {args.program!r} in the files checked")
    keep_selected(reports, selected_codes(args.select, args.ignore))
    if args.format == "json":
        out = {"files": [r.to_json() for r in reports], "summary": summary_json(reports)}
        print(json.dumps(out, indent=2, default=repr))
    elif args.format == "github":
        print(output_formats.github(reports))
    elif args.format == "sarif":
        print(output_formats.sarif(reports, package_version()))
    else:
        _print_text_report(reports)
    return 1 if any(r.count("error") for r in reports) else 0


def _single_file(text: str) -> str:
    files = python_files([text])
    if len(files) != 1 or not Path(text).is_file():
        raise UsageError(f"expected one program file, got {text}")
    return str(files[0])


def print_diagnostics(shown: str, diagnostics: list[Diagnostic]) -> None:
    for line in diagnostic_lines(shown, diagnostics):
        print(line)


def _print_load_errors(path: str, diagnostics: list[Diagnostic], error: str | None) -> int:
    print_diagnostics(display_path(str(Path(path).resolve())), diagnostics)
    if error:
        print(f"rasp: {error}", file=sys.stderr)
    return 1


def _cmd_run(args: argparse.Namespace, engine: Engine) -> int:
    path = _single_file(args.file)
    tokens = None if args.input is None else parse_tokens(args.input)
    if tokens == []:
        raise UsageError("--input is empty")
    result, diagnostics, error = engine.run(path, tokens, args.program, overrides_of(args))
    if result is None:
        return _print_load_errors(path, diagnostics, error)
    if "input_error" in result:  # the input asked for, not the program, is wrong
        give = " (give one with --input)" if tokens is None else ""
        raise UsageError(f"cannot run `{result['program']}`: {result['input_error']}{give}")
    if args.format == "json":
        print(json.dumps(_run_json(result, path), indent=2, default=repr))
        return 0 if result["agree"] else 1
    lines, agree = run_lines(result, display_path(path))
    print("\n".join(lines))
    return 0 if agree else 1


def _run_json(result: dict, path: str) -> dict:
    """`rasp run --format json`: the outputs, whether they agree, and located errors."""
    out = {k: result[k] for k in ("program", "input", "interpreter", "compiled", "agree")}
    for problem in ("interpreter_error", "compile_error"):
        span = result.get(f"{problem}_at")
        out[problem] = result[problem] and {
            "message": result[problem],
            "path": display_path(path),
            "line": span.line if span else None,
            "column": span.column if span else None,
        }
    return out


def _cmd_compile(args: argparse.Namespace, engine: Engine) -> int:
    path = _single_file(args.file)
    result, diagnostics, error = engine.compile(path, args.program, overrides_of(args))
    if result is None:
        return _print_load_errors(path, diagnostics, error)
    if result["error"]:
        message = f"`{result['program']}` does not compile: {result['error']}"
        print(located(display_path(path), result["error_at"], message))
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
}
