"""`rasp export`: verified programs as testbeds, each with a circuit that ablation confirms.

Each program is checked as `rasp check` checks it; one that verified is handed over by the
engine (weights, ground-truth map, the inputs it was verified on), its circuit is derived
from the weights and checked by ablation over those inputs (raspstudio.testbed), and the
testbed is written whole (docs/export.md), as a folder or, with `--shard-size K`, into a
shard of K testbeds (raspstudio.testbed.shards). A program that does not verify, or whose circuit
fails the check, is reported and not written; the exit status is then 1.
"""

import argparse
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from raspstudio.cli import jobs
from raspstudio.cli.arguments import UsageError, package_version
from raspstudio.cli.files import overrides_of, print_diagnostics, python_files, refuse_non_empty
from raspstudio.engine import Engine
from raspstudio.report import Diagnostic, ProgramReport
from raspstudio.testbed import build, shards, write
from raspstudio.testbed.folder import Testbed
from raspstudio.text import counted, display_path


def cmd_export(args: argparse.Namespace, engine: Engine) -> int:
    """Check each program; write the verified ones to DIR/<file>[.<program>]/ (a testbed each),
    or K to a shard with `--shard-size K`.

    Files are checked and their testbeds built by `export_one` (in a pool with `--jobs`); this
    process writes them, in the order of the files, so output and files are those of one job.
    A write that fails (a full disk, a folder that cannot be written) is one line, exit 2.
    """
    files, out = python_files(args.paths, args.exclude), Path(args.output)
    refuse_non_empty(out, args.force, "testbeds")
    written: dict[str, str] = {}
    skipped = 0
    work = (overrides_of(args), out)
    producer = f"rasp-studio {package_version()}"
    sharded = _Shards(out, args.shard_size, producer) if args.shard_size else None
    try:
        results = jobs.each(export_one, files, work, engine, args.jobs, "exporting", args.scheduler)
        with closing(results):
            for path, result in zip(files, results, strict=True):
                shown = display_path(result.path)
                print_diagnostics(shown, result.errors)
                for outcome in result.outcomes:
                    where = f"{shown}:{outcome.line}: `{outcome.program}`"
                    if outcome.name in written:  # a program that did not verify claims no name
                        raise UsageError(
                            f"{shown} and {written[outcome.name]} would both be exported "
                            f"as {outcome.name}"
                        )
                    if outcome.testbed is None:
                        print(f"{where} skipped: {outcome.skipped}")
                        skipped += 1
                        continue
                    written[outcome.name] = shown
                    if sharded:
                        sharded.add(outcome.testbed, path, where)
                        continue
                    target = write.write(outcome.testbed, path, producer)
                    print(f"{where} -> {target}")
        if sharded:
            sharded.finish()
    except OSError as e:  # a full disk, a folder that cannot be written
        which = f" ({e.filename})" if e.filename else ""
        raise UsageError(f"cannot write to {out}: {e.strerror or e}{which}") from None
    where = f" in {counted(sharded.count, 'shard')}" if sharded else ""
    print(f"Exported {counted(len(written), 'program')} to {out}{where}; {skipped} skipped.")
    return 1 if skipped else 0


class _Shards:
    """Testbeds gathered `size` at a time, each `size` of them written as one shard (the rest
    by `flush`); a program's line is printed once its shard is written."""

    def __init__(self, out: Path, size: int, producer: str) -> None:
        self.out, self.size, self.producer = out, size, producer
        self.count = 0
        self.pending: list[tuple[Testbed, str, str]] = []

    def add(self, testbed: Testbed, source: Path, where: str) -> None:
        self.pending.append((testbed, source.read_text(), where))
        if len(self.pending) == self.size:
            self.flush()

    def finish(self) -> None:
        """The last shard, and no shard of an earlier export beyond it (`--force`)."""
        self.flush()
        if self.out.is_dir() and (stale := shards.remove_beyond(self.out, self.count)):
            print(f"Removed {counted(stale, 'shard')} of an earlier export beyond the last one.")

    def flush(self) -> None:
        if not self.pending:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        testbeds = [(testbed, source) for testbed, source, _ in self.pending]
        target = shards.write(self.out, self.count, testbeds, self.producer)
        for testbed, _, where in self.pending:
            print(f"{where} -> {target} {testbed.folder.name}")
        self.count += 1
        self.pending = []


@dataclass
class Outcome:
    """One program of a file: its testbed, or why it has none. `name` is the testbed's folder
    name, None when the program did not verify (its name is then never claimed)."""

    program: str
    line: int
    name: str | None
    testbed: Testbed | None
    skipped: str | None


@dataclass
class FileExport:
    """What `export_one` found in a file: its absolute path, its errors, each program's
    outcome. Plain data: it comes back from a pool process or a Dask worker."""

    path: str
    errors: list[Diagnostic]
    outcomes: list[Outcome]


def export_one(engine: Engine, path: Path, overrides: dict, out: Path) -> FileExport:
    """Check a file and build a testbed (circuit checked by ablation) for each verified program
    of it, to be written under `out`; nothing is written here."""
    report = engine.check_file(str(path), overrides=overrides)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    outcomes = []
    for program in report.programs:
        if not _verified(program, errors):
            outcomes.append(Outcome(program.name, program.line, None, None, "not verified"))
            continue
        name = path.stem if program.name == "program" else f"{path.stem}.{program.name}"
        testbed, check = build.from_export(engine.export(program.name), out / name)
        if check.holds:
            outcomes.append(Outcome(program.name, program.line, name, testbed, None))
            continue
        problems = check.problems()
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        why = f"its circuit fails the ablation check: {problems[0]}{more}"
        outcomes.append(Outcome(program.name, program.line, name, None, why))
    return FileExport(report.path, errors, outcomes)


def _verified(program: ProgramReport, errors: list) -> bool:
    return program.verified_inputs > 0 and not any(
        d.program in (program.name, None) for d in errors
    )


COMMANDS = {"export": cmd_export}
