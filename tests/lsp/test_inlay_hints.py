"""Inlay hints over LSP: each SOp line ends with its value on the running example."""

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp_support import ROOT, client_fixture, open_document

client = client_fixture()


async def _hints(client: LanguageClient, uri: str, first: int, last: int) -> list[lsp.InlayHint]:
    return await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(
                start=lsp.Position(line=first, character=0),
                end=lsp.Position(line=last, character=0),
            ),
        )
    )


async def test_each_sop_line_ends_with_its_value(client: LanguageClient):
    path = ROOT / "programs/positional/reverse.py"
    uri = await open_document(client, path)
    hints = {h.position.line: h for h in await _hints(client, uri, 0, 20)}
    lines = path.read_text().splitlines()
    assert hints[9].label == "= [3, 3, 3]"  # length
    assert hints[10].label == "= [2, 1, 0]"  # opposite
    assert hints[12].label == "= ['c', 'b', 'a']"  # the output
    assert 11 not in hints  # a Select is not an SOp
    assert hints[12].position.character == len(lines[12])


async def test_hints_stay_inside_the_requested_range(client: LanguageClient):
    uri = await open_document(client, ROOT / "programs/positional/reverse.py")
    assert [h.position.line for h in await _hints(client, uri, 10, 10)] == [10]
