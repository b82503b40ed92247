"""`rasp check --output-format github|sarif`: diagnostics in the formats CI services read.

`github` prints GitHub Actions workflow commands (`::error file=…,line=…::message`), which the
Actions runner turns into annotations on the pull request's lines. `sarif` prints one SARIF
2.1.0 log (the format GitHub code scanning and most static-analysis viewers import): the
catalogue of codes as rules, each diagnostic as a result with its region and related
locations.
"""

import json
from pathlib import Path

from raspstudio.codes import CODES, DOCS_URL
from raspstudio.report import Diagnostic, FileReport, Span
from raspstudio.text import display_path

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _path(report: FileReport, path: str | None) -> str:
    """The file a span is in, as displayed: the checked file's, or a helper module's."""
    return report.path if path is None else display_path(path)


def github(reports: list[FileReport]) -> str:
    """One workflow command per diagnostic; related locations are folded into the message."""
    lines = []
    for report in reports:
        for d in report.diagnostics:
            properties = {
                "file": _path(report, d.path),
                "line": d.span.line,
                "col": d.span.column,
                "endLine": d.span.end_line,
                "endColumn": d.span.end_column,
                "title": f"{d.code} {CODES[d.code].slug}",
            }
            shown = ",".join(f"{k}={_escape_property(str(v))}" for k, v in properties.items())
            notes = "".join(
                f"\n{_path(report, r.path)}:{r.span.line}:{r.span.column}: {r.message}"
                for r in d.related
            )
            level = _GITHUB_LEVEL[d.severity]
            lines.append(f"::{level} {shown}::{_escape_data(d.message + notes)}")
    return "\n".join(lines)


def _uri(path: str) -> str:
    return Path(path).as_uri() if Path(path).is_absolute() else Path(path).as_posix()


def _location(path: str, span: Span, message: str | None = None) -> dict:
    location: dict = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(path)},
            "region": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
            },
        }
    }
    if message is not None:
        location["message"] = {"text": message}
    return location


def _result(report: FileReport, d: Diagnostic) -> dict:
    result = {
        "ruleId": d.code,
        "level": _SARIF_LEVEL[d.severity],
        "message": {"text": d.message},
        "locations": [_location(_path(report, d.path), d.span)],
    }
    if d.related:
        result["relatedLocations"] = [
            _location(_path(report, r.path), r.span, r.message) for r in d.related
        ]
    return result


def sarif(reports: list[FileReport], version: str) -> str:
    """The SARIF log of a run: `rasp` as the tool, every catalogue code as a rule."""
    rules = [
        {
            "id": c.code,
            "name": c.slug,
            "shortDescription": {"text": c.title},
            "helpUri": c.url,
            "defaultConfiguration": {"level": _SARIF_LEVEL[c.severity]},
        }
        for c in CODES.values()
    ]
    driver = {"name": "rasp", "version": version, "informationUri": DOCS_URL, "rules": rules}
    results = [_result(report, d) for report in reports for d in report.diagnostics]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json.dumps(log, indent=2)
