"""`rasp export`: verified programs as testbeds, each with a circuit that ablation confirms.

Each program is checked as `rasp check` checks it; one that verified is handed over by the
engine (weights, ground-truth map, the inputs it was verified on), its circuit is derived
from the weights and checked by ablation over those inputs (raspstudio.testbed), and the
testbed is written whole (docs/export.md). A program that does not verify, or whose circuit
fails the check, is reported and not written; the exit status is then 1.
"""

import argparse
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import Progress

from raspstudio.cli.arguments import UsageError, package_version
from raspstudio.cli.files import overrides_of, print_diagnostics, python_files
from raspstudio.engine import Engine
from raspstudio.report import ProgramReport
from raspstudio.testbed import ablation, circuit, forward, write
from raspstudio.testbed.folder import Testbed
from raspstudio.text import counted, display_path


def cmd_export(args: argparse.Namespace, engine: Engine) -> int:
    """Check each program; write the verified ones to DIR/<file>[.<program>]/ (a testbed each)."""
    files, out = python_files(args.paths, args.exclude), Path(args.output)
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not args.force:
        what = "is not a folder" if not out.is_dir() else "is not empty"
        raise UsageError(f"{out} {what}; use --force to write testbeds into it")
    written: dict[str, str] = {}
    skipped = 0
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("exporting", total=len(files))
        for path in files:
            bar.update(task, description=f"checking {path.name}")
            report = engine.check_file(str(path), overrides=overrides_of(args))
            shown = display_path(report.path)
            errors = [d for d in report.diagnostics if d.severity == "error"]
            print_diagnostics(shown, errors)
            for program in report.programs:
                where = f"{shown}:{program.line}: `{program.name}`"
                if not _verified(program, errors):
                    print(f"{where} skipped: not verified")
                    skipped += 1
                    continue
                name = path.stem if program.name == "program" else f"{path.stem}.{program.name}"
                if name in written:
                    raise UsageError(
                        f"{shown} and {written[name]} would both be exported as {name}"
                    )
                bar.update(task, description=f"ablating the circuit of {name}")
                testbed, check = _testbed(engine.export(program.name), out / name, bar)
                if not check.holds:
                    problems = check.problems()
                    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                    why = f"its circuit fails the ablation check: {problems[0]}{more}"
                    print(f"{where} skipped: {why}")
                    skipped += 1
                    continue
                written[name] = shown
                target = write.write(testbed, path, f"rasp-studio {package_version()}")
                print(f"{where} -> {target}")
            bar.advance(task)
    print(f"Exported {counted(len(written), 'program')} to {out}; {skipped} skipped.")
    return 1 if skipped else 0


def _verified(program: ProgramReport, errors: list) -> bool:
    return program.verified_inputs > 0 and not any(
        d.program in (program.name, None) for d in errors
    )


def _testbed(data: dict, folder: Path, bar: Progress) -> tuple[Testbed, ablation.Check]:
    """The testbed of the engine's export, with its circuit derived and checked."""
    arrays = {name: np.asarray(value) for name, value in data["arrays"].items()}
    testbed = Testbed(folder, data["model"], arrays, data["examples"])
    nodes, edges, non_edges = circuit.graph(testbed)
    examples = data["examples"]
    ablations = bar.add_task("ablating edges", total=len(edges) + len(non_edges))
    check = ablation.check(
        testbed,
        examples["inputs"],
        examples["outputs"],
        edges,
        non_edges,
        forward.runner(testbed),
        lambda done, total: bar.update(ablations, completed=done),
    )
    bar.remove_task(ablations)
    testbed.circuit = circuit.circuit_json(testbed, nodes, edges) | {
        "checked": {"ablation": "resample", "inputs": len(examples["inputs"]), **check.summary()}
    }
    return testbed, check


COMMANDS = {"export": cmd_export}
