"""Diagnostics over LSP: as you type, located, linked, tagged; pushed or pulled; never stale."""

import asyncio
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp_support import (
    FIXTURES,
    ROOT,
    client_fixture,
    codes,
    open_document,
    pulling_capabilities,
    replace_text,
    settled,
)

client = client_fixture()


async def test_a_verified_program_has_no_diagnostics(client: LanguageClient):
    uri = await open_document(client, ROOT / "programs/positional/reverse.py")
    assert list(client.diagnostics[uri]) == []


async def test_diagnostics_are_located_linked_and_sourced(client: LanguageClient):
    uri = await open_document(client, FIXTURES / "negative_numerical_map.py")
    (diagnostic,) = [d for d in client.diagnostics[uri] if d.code == "RASP501"]
    assert diagnostic.source == "rasp"
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    assert diagnostic.range.start.line == 8  # 0-based: line 9 in the file
    assert (diagnostic.range.start.character, diagnostic.range.end.character) == (25, 61)
    assert diagnostic.code_description.href.endswith("#rasp501-compiled-mismatch")


async def test_related_information_points_at_the_other_expressions(client: LanguageClient):
    uri = await open_document(client, FIXTURES / "composite_selector.py")
    (diagnostic,) = [d for d in client.diagnostics[uri] if d.code == "RASP306"]
    related = diagnostic.related_information
    assert [(r.location.uri, r.location.range.start.line) for r in related] == [(uri, 7), (uri, 8)]
    assert related[0].message == "`before` is combined here"


async def test_unused_operations_are_tagged_unnecessary(client: LanguageClient):
    uri = await open_document(client, FIXTURES / "unused_operation.py")
    (diagnostic,) = client.diagnostics[uri]
    assert diagnostic.code == "RASP607"
    assert diagnostic.severity == lsp.DiagnosticSeverity.Warning
    assert list(diagnostic.tags) == [lsp.DiagnosticTag.Unnecessary]


async def test_cheap_results_come_before_verification(client: LanguageClient):
    uri = await open_document(client, FIXTURES / "negative_numerical_map.py")
    stages = [found for published_uri, _, found in client.published if published_uri == uri]
    assert "RASP501" not in stages[0]  # loaded: nothing verified yet
    assert "RASP602" in stages[1]  # evaluated: the interpreter's warning is out
    assert "RASP501" in stages[-1]  # verified: the miscompilation follows in the same cycle


async def test_unsaved_edits_are_analysed(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "program.py"
    path.write_text((ROOT / "programs/positional/reverse.py").read_text())
    uri = await open_document(client, path)
    assert codes(client, uri) == []
    broken = path.read_text().replace('.named("reverse")', '.named("reverse"')
    await replace_text(client, uri, broken, version=2)
    assert codes(client, uri) == ["RASP101"]
    await replace_text(client, uri, path.read_text(), version=3)
    assert codes(client, uri) == []


async def test_sibling_modules_import_from_the_files_folder(client: LanguageClient, tmp_path):
    (tmp_path / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    text = (
        "from helpers import double\nfrom tracr.rasp import rasp\n\nVOCAB = {1, 2}\n"
        'MAX_SEQ_LEN = 2\nprogram = rasp.Map(double, rasp.tokens).named("program")\n'
    )
    uri = await open_document(client, tmp_path / "main.py", text)
    assert codes(client, uri) == []


async def test_a_burst_of_edits_is_analysed_once_at_its_latest_version(client: LanguageClient):
    path = ROOT / "programs/positional/reverse.py"
    uri = await open_document(client, path)
    # Each version leaves an operation unused (RASP607): diagnostics are sent only when they change.
    text = path.read_text() + "unused = rasp.Map(lambda x: x, rasp.tokens).named('unused')\n"
    before = len(client.progress_reports)
    for version in range(2, 12):  # ten keystrokes, no pause
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    lsp.TextDocumentContentChangeWholeDocument(text=text + "#" * version)
                ],
            )
        )
    await settled(client, before)
    versions = {v for u, v, _ in client.published if u == uri}
    assert versions == {1, 11}  # nothing for the versions typed over


async def test_closing_a_document_clears_its_diagnostics(client: LanguageClient):
    uri = await open_document(client, FIXTURES / "negative_numerical_map.py")
    assert codes(client, uri)
    client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert codes(client, uri) == []


async def test_python_files_without_tracr_are_not_run(client: LanguageClient, tmp_path: Path):
    text = 'import pathlib\npathlib.Path(__file__).with_name("ran.txt").write_text("ran")\n'
    uri = await open_document(client, tmp_path / "script.py", text)
    assert codes(client, uri) == []
    assert not (tmp_path / "ran.txt").exists()


# -- pull diagnostics, for clients that declare them ---------------------------------------------


puller = client_fixture(profiles=["vscode-pull"], capabilities=lambda: pulling_capabilities(False))
refreshed = client_fixture(
    profiles=["vscode-pull-refresh"], capabilities=lambda: pulling_capabilities(True)
)


def _open_now(client: LanguageClient, path: Path) -> str:
    uri = path.resolve().as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=path.read_text()
            )
        )
    )
    return uri


async def _pull(client: LanguageClient, uri: str) -> list[str]:
    report = await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    return [str(d.code) for d in report.items]


async def test_a_pull_for_a_document_never_opened_is_answered_at_once(puller, tmp_path):
    # A worker timeout of an hour: a pull that waited for an analysis would outlast the guard.
    puller.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"rasp": {"timeout": 3600}})
    )
    unknown = (tmp_path / "never_opened.py").as_uri()
    assert await asyncio.wait_for(_pull(puller, unknown), 60) == []


async def test_pulling_clients_get_the_whole_check_and_no_pushes(puller: LanguageClient):
    uri = _open_now(puller, FIXTURES / "negative_numerical_map.py")
    assert "RASP501" in await _pull(puller, uri)  # waited for verification: no refresh to come
    assert puller.published == []


async def test_refreshing_clients_are_told_when_more_results_arrive(refreshed: LanguageClient):
    before = len(refreshed.progress_reports)
    uri = _open_now(refreshed, FIXTURES / "negative_numerical_map.py")
    await _pull(refreshed, uri)  # answered at the first stage
    await settled(refreshed, before)
    assert refreshed.diagnostic_refresh_count >= 1
    assert "RASP501" in await _pull(refreshed, uri)
    assert refreshed.published == []


async def test_unnamed_operations_are_hints_and_noqa_silences_a_warning(client, tmp_path):
    path = tmp_path / "hinted.py"
    path.write_text(
        "from tracr.rasp import rasp\n\nVOCAB = {1, 2, 3}\nMAX_SEQ_LEN = 3\n\n"
        'same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same")\n'
        "count = rasp.SelectorWidth(same)\n"
        'program = rasp.numerical(rasp.Map(lambda x: x - 2, count)).named("minus_two")\n'
    )
    uri = await open_document(client, path)
    severities = {d.code: d.severity for d in client.diagnostics[uri]}
    assert severities["RASP605"] == lsp.DiagnosticSeverity.Hint
    assert severities["RASP602"] == lsp.DiagnosticSeverity.Warning
    quiet = path.read_text().replace('"minus_two")\n', '"minus_two")  # noqa: RASP602\n')
    await replace_text(client, uri, quiet, version=2)
    assert sorted(d.code for d in client.diagnostics[uri]) == ["RASP501", "RASP605"]


async def test_a_file_that_is_not_a_rasp_program_gets_no_progress(client: LanguageClient, tmp_path):
    """Editing notes.py (no tracr in it) shows no "Checking notes.py" in the editor."""
    notes = await open_document(client, tmp_path / "notes.py", "x = 1\n")
    for version in range(2, 5):
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=notes, version=version),
                content_changes=[
                    lsp.TextDocumentContentChangeWholeDocument(text=f"x = {version}\n")
                ],
            )
        )
    # A program opened after the edits is checked after notes.py's quiet time has passed.
    await open_document(client, ROOT / "programs/positional/reverse.py")
    titles = [
        r.title
        for reports in client.progress_reports.values()
        for r in reports
        if isinstance(r, lsp.WorkDoneProgressBegin)
    ]
    assert "Checking reverse.py" in titles and "Checking notes.py" not in titles
