"""`rasp check`, `rasp run`, `rasp compile` and `rasp export`: program files through the engine."""

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import Progress

from raspstudio.cli.arguments import UsageError
from raspstudio.config import ConfigError, resolve_config
from raspstudio.engine import Engine
from raspstudio.report import (
    Diagnostic,
    FileReport,
    ModelSummary,
    counted,
    model_json,
    summary_json,
)
from raspstudio.text import diagnostic_lines, display_path, layer_table, run_lines, verdict
from raspstudio.tokens import parse_tokens


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
            report = engine.check_file(str(path), overrides=overrides, only=args.program)
            report.path = display_path(report.path)
            reports.append(report)
            bar.advance(task)
    if args.program and not any(r.programs for r in reports):
        raise UsageError(f"no program named {args.program!r} in the files checked")
    if args.format == "json":
        out = {"files": [r.to_json() for r in reports], "summary": summary_json(reports)}
        print(json.dumps(out, indent=2, default=repr))
    else:
        _print_text_report(reports)
    return 1 if any(r.count("error") for r in reports) else 0


def _cmd_export(args: argparse.Namespace, engine: Engine) -> int:
    """Check each program; write the verified ones to DIR/<file>[.<program>]/ (a testbed each)."""
    files, out = _python_files(args.paths), Path(args.output)
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not args.force:
        what = "is not a folder" if not out.is_dir() else "is not empty"
        raise UsageError(f"{out} {what}; use --force to write testbeds into it")
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
            target = export_testbed(engine.export(program.name), path, out / name)
            print(f"{shown}:{program.line}: `{program.name}` -> {target}")
    print(f"Exported {counted(len(written), 'program')} to {out}; {skipped} skipped.")
    return 1 if skipped else 0


def export_testbed(data: dict, source: Path, folder: Path) -> Path:
    """Write a testbed whole or not at all: into a new folder beside `folder`, then renamed."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        model = json.dumps(data["model"], indent=1, default=repr)
        (building / "model.json").write_text(model + "\n")
        np.savez_compressed(building / "weights.npz", **data["arrays"])
        shutil.copyfile(source, building / "program.py")
        if folder.exists():  # --force: the old testbed goes only once the new one is complete
            shutil.rmtree(folder)
        building.rename(folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
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
    tokens = None if args.input is None else parse_tokens(args.input)
    if tokens == []:
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
}
