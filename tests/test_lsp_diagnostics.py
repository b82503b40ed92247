"""Diagnostics over LSP: as you type, located, linked, tagged; pushed or pulled; never stale."""

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp_support import FIXTURES, ROOT, client_fixture, codes, open_document, replace_text

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
    assert diagnostic.code_description.href.endswith("#rasp501-compiled-mismatch")
