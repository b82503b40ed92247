"""Hover over LSP: kind, encoding, value on the running example, value set, layer."""

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp_support import FIXTURES, ROOT, client_fixture, open_document

client = client_fixture()
REVERSE = ROOT / "programs/positional/reverse.py"


async def _hover(client: LanguageClient, uri: str, line: int, character: int) -> str | None:
    found = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=line, character=character),
        )
    )
    return None if found is None else found.contents.value


async def test_hover_shows_value_on_the_first_example_and_the_layer(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    text = await _hover(client, uri, 10, 20)  # inside the SequenceMap on line 11
    assert "**`opposite`** · SequenceMap · categorical" in text
    assert "on `a b c` (EXAMPLES[0]): `[2, 1, 0]`" in text
    assert "compiles to: L1 mlp" in text
    assert "value set: `{-5, -4," in text


async def test_hover_on_a_selector_shows_its_attention_pattern(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    text = await _hover(client, uri, 11, 10)  # the Select on line 12
    assert "Select" in text and "one row per query" in text
    assert "a 0 0 1" in text and "c 1 0 0" in text  # query a selects key c


async def test_selector_rows_and_columns_say_the_position_as_well_as_the_token(
    client: LanguageClient, tmp_path
):
    """`c c a b`: a token alone would label two rows alike."""
    path = tmp_path / "repeated.py"
    path.write_text(REVERSE.read_text().replace('[["a", "b", "c"],', '[["c", "c", "a", "b"],'))
    uri = await open_document(client, path)
    text = await _hover(client, uri, 11, 10)
    matrix = text.split("```")[1].strip("\n").splitlines()
    assert matrix[:2] == ["    0 1 2 3", "    c c a b"]
    assert matrix[2:4] == ["0 c 0 0 0 1", "1 c 0 0 1 0"]


async def test_hover_on_tokens_inside_an_operation_shows_tokens(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    line = REVERSE.read_text().splitlines()[12]  # program = rasp.Aggregate(flip, rasp.tokens)
    text = await _hover(client, uri, 12, line.index("rasp.tokens") + 7)
    assert text.startswith("**`tokens`** · tokens · categorical")
    assert "`['a', 'b', 'c']`" in text
    line = REVERSE.read_text().splitlines()[11]  # flip = rasp.Select(rasp.indices, ...)
    text = await _hover(client, uri, 11, line.index("rasp.indices") + 6)
    assert text.startswith("**`indices`** · indices") and "`[0, 1, 2]`" in text


async def test_hover_on_the_output_names_its_attention_head(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    text = await _hover(client, uri, 12, 12)
    assert "`reverse`" in text and "`['c', 'b', 'a']`" in text and "L2 attn h0" in text


async def test_hover_on_an_assigned_name_shows_its_expression(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    found = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=10, character=3),  # `opposite` in `opposite = ...`
        )
    )
    assert "**`opposite`** · SequenceMap" in found.contents.value
    assert found.range == lsp.Range(start=lsp.Position(10, 0), end=lsp.Position(10, 8))
    # a use of the name, inside another expression, means the named expression too
    text = await _hover(client, uri, 12, 26)  # `flip` in `rasp.Aggregate(flip, ...)`
    assert "**`flip`** · Select" in text


async def test_hover_outside_any_expression_is_empty(client: LanguageClient):
    uri = await open_document(client, REVERSE)
    assert await _hover(client, uri, 0, 3) is None  # the docstring
    assert await _hover(client, uri, 500, 0) is None  # past the end


async def test_hover_uses_a_default_example_when_the_file_has_none(client: LanguageClient):
    uri = await open_document(client, FIXTURES / "none_output.py")
    text = await _hover(client, uri, 8, 12)  # lib.shift_by(...) on line 9
    assert "on `a b a b` (default): `[None, 'a', 'b', 'a']`" in text


FAILING = """from tracr.rasp import rasp

VOCAB = {0, 1, 2}
MAX_SEQ_LEN = 3
EXAMPLES = [[1, 0]]

inverse = rasp.numerical(rasp.Map(lambda x: 1 / x, rasp.tokens)).named("inverse")
program = rasp.numerical(rasp.Map(lambda x: x + 1, inverse)).named("program")
"""


async def test_hover_after_a_failure_says_the_value_is_unknown(client: LanguageClient, tmp_path):
    uri = await open_document(client, tmp_path / "failing.py", FAILING)
    text = await _hover(client, uri, 7, 30)
    assert "not evaluated on `1 0` (EXAMPLES[0]): an earlier operation failed" in text
