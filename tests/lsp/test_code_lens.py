"""Code lenses over LSP: the compiled shape above each program, the layer above each operation."""

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp_support import FIXTURES, ROOT, client_fixture, open_document, replace_text

client = client_fixture()


async def _lenses(client: LanguageClient, uri: str) -> dict[int, list[lsp.Command]]:
    found = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    by_line: dict[int, list[lsp.Command]] = {}
    for lens in found:
        by_line.setdefault(lens.range.start.line, []).append(lens.command)
    return by_line


async def test_program_lens_shows_the_model_and_opens_the_layers(client: LanguageClient):
    uri = await open_document(client, ROOT / "programs/positional/reverse.py")
    lenses = await _lenses(client, uri)
    program, output = lenses[12]  # `program = ...` is on line 13
    assert program.title == (
        "✓ program: 3 layers · 2 heads · d_model 31 · 10,769 params · verified on all 363 inputs"
    )
    assert output.title == "reverse: L2 attn h0"
    assert program.command == "rasp.server.showLayers"
    assert list(program.arguments) == [uri, "program"]


async def test_operation_lenses_say_where_each_operation_lands(client: LanguageClient):
    uri = await open_document(client, ROOT / "programs/positional/reverse.py")
    lenses = await _lenses(client, uri)
    assert [c.title for c in lenses[9]] == ["length: L0 attn h0, L0 mlp"]
    assert [c.title for c in lenses[10]] == ["opposite: L1 mlp"]


async def test_program_lens_reports_the_failure(client: LanguageClient):
    uri = await open_document(client, FIXTURES / "negative_numerical_map.py")
    titles = [c.title for commands in (await _lenses(client, uri)).values() for c in commands]
    assert any(t.startswith("✗ program:") and "RASP501" in t for t in titles)


async def test_lenses_and_hints_stay_marked_stale_while_the_text_does_not_load(
    client: LanguageClient,
):
    """Half-typed code (a syntax error, a name not yet defined) keeps the last lenses and
    hints, marked stale, until text that loads replaces them."""
    path = ROOT / "programs/positional/reverse.py"
    text = path.read_text()
    uri = await open_document(client, path)
    assert [c.title for c in (await _lenses(client, uri))[10]] == ["opposite: L1 mlp"]
    for version, typing in enumerate(["x = rasp.Map(lambda t: t,\n", "x = undefined_name\n"], 2):
        await replace_text(client, uri, text + typing, version)
        lenses = await _lenses(client, uri)
        assert [c.title for c in lenses[10]] == ["opposite: L1 mlp (stale)"]
        assert lenses[12][0].title.endswith("verified on all 363 inputs (stale)")
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(20, 0)),
            )
        )
        assert "= [2, 1, 0] (stale)" in [h.label for h in hints]
    await replace_text(client, uri, text + "x = 1\n", version=4)
    assert [c.title for c in (await _lenses(client, uri))[10]] == ["opposite: L1 mlp"]
