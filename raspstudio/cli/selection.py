"""Which diagnostic codes `rasp check` reports: `--select`, `--ignore`, and the default.

Codes are chosen as ruff chooses rules: by prefix (`RASP6` is the whole family, `RASP605` one
code, `ALL` every code), `--select` replacing the default set and `--ignore` removing from
it. The default is every code but the hints (`RASP605`, style rather than correctness), so a
hint shows only when it is named. The choice is the user's, on the command line: a program
file or its project's pyproject.toml cannot make `rasp check` quieter (`# noqa` comments are
honoured for warnings and hints only, by the engine).
"""

import argparse

from raspstudio.codes import CODES
from raspstudio.report import FileReport


def code_prefixes(text: str) -> list[str]:
    """`--select RASP5,RASP605` -> ["RASP5", "RASP605"]; each must name at least one code."""
    prefixes = [part.strip().upper() for part in text.split(",") if part.strip()]
    if not prefixes:
        raise argparse.ArgumentTypeError("expected codes such as RASP605 or RASP6, or ALL")
    for prefix in prefixes:
        if prefix != "ALL" and not any(c.startswith(prefix) for c in CODES):
            raise argparse.ArgumentTypeError(
                f"{prefix!r} matches no diagnostic code (see docs/diagnostics.md)"
            )
    return prefixes


def _matches(code: str, prefixes: list[str]) -> bool:
    return any(prefix == "ALL" or code.startswith(prefix) for prefix in prefixes)


def selected_codes(select: list[str] | None, ignore: list[str] | None) -> set[str]:
    """The codes reported, from the options' prefix lists (None: the option is absent)."""
    if select is None:
        chosen = {c for c, entry in CODES.items() if entry.severity != "hint"}
    else:
        chosen = {c for c in CODES if _matches(c, select)}
    return {c for c in chosen if not _matches(c, ignore or [])}


def keep_selected(reports: list[FileReport], codes: set[str]) -> None:
    """Drop every diagnostic whose code is not in `codes`, in place."""
    for report in reports:
        report.diagnostics = [d for d in report.diagnostics if d.code in codes]
