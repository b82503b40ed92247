"""Document symbols: programs and the RASP operations that build them."""

import textwrap
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from raspstudio.lsp.symbols import document_symbols
from tests.lsp_support import client_fixture, open_document

ROOT = Path(__file__).parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures"

# -- pure functions --


def symbols_of(path: Path) -> dict[str, types.DocumentSymbol]:
    return {symbol.name: symbol for symbol in document_symbols(path.read_text())}


def span(r: types.Range) -> tuple[int, int, int, int]:
    return r.start.line, r.start.character, r.end.line, r.end.character


MAKE_FILE = textwrap.dedent(
    '''
    """Counting programs."""

    from tracr.compiler import lib
    from tracr.rasp import rasp

    VOCAB = {"a", "b"}


    def make_count_a(token="a"):
        is_token = rasp.numerical(rasp.Map(lambda x: x == token, rasp.tokens)).named("is_a")
        if token:
            prefix: rasp.Selector = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ)

        def helper():
            hidden = rasp.Map(lambda x: x, rasp.tokens)

        total = 1 + 2
        return rasp.numerical(rasp.Aggregate(prefix, is_token, default=0)).named("frac_a")


    def make_length():
        return lib.make_length()


    def reference(xs):
        return xs
    '''
).lstrip()


def test_sort_program_lists_its_operations():
    symbols = symbols_of(ROOT / "programs/ordering/sort.py")
    assert list(symbols) == ["key", "smaller", "target", "move", "program"]
    assert all(s.kind == types.SymbolKind.Variable for s in symbols.values())
    assert {name: s.detail for name, s in symbols.items()} == {
        "key": 'SequenceMap "key"',
        "smaller": 'Select "smaller"',
        "target": 'SelectorWidth "target"',
        "move": 'Select "move"',
        "program": 'Aggregate "sort"',
    }
    move = symbols["move"]
    assert span(move.selection_range) == (12, 0, 12, 4)
    assert span(move.range)[:3] == (12, 0, 12)


def test_make_functions_hold_their_operations():
    symbols = {s.name: s for s in document_symbols(MAKE_FILE)}
    assert list(symbols) == ["make_count_a", "make_length"]  # not VOCAB, reference
    count = symbols["make_count_a"]
    assert count.kind == types.SymbolKind.Function
    assert count.detail == 'numerical Aggregate "frac_a"'
    assert [(c.name, c.detail) for c in count.children] == [
        ("is_token", 'numerical Map "is_a"'),
        ("prefix", "Select"),  # nested in an `if`; annotated assignment
    ]
    assert span(count.selection_range) == (8, 4, 8, 16)
    assert (count.range.start.line, count.range.end.line) == (8, 17)
    assert symbols["make_length"].detail == "lib.make_length"
    assert symbols["make_length"].children == []


def test_encodings_lib_calls_and_operators_in_detail():
    fraction = symbols_of(ROOT / "programs/maps/fraction_of_a.py")
    assert fraction["program"].detail == 'numerical Aggregate "fraction_of_a"'
    assert symbols_of(ROOT / "programs/positional/reverse.py")["length"].detail == (
        'lib.make_length "length"'
    )
    sample = symbols_of(FIXTURES / "sample.py")
    assert sample["opp_index"].detail == 'operator - "opp_index_minus_1"'  # the later one wins
    assert symbols_of(FIXTURES / "composite_selector.py")["both"].detail == (
        'operator & "before_and_same"'
    )


def test_multi_line_program_range():
    program = symbols_of(FIXTURES / "composite_selector.py")["program"]
    assert span(program.range) == (10, 0, 12, 15)
    assert span(program.selection_range) == (10, 0, 10, 7)


def test_program_is_listed_whatever_its_value():
    symbols = document_symbols("from x import build\nprogram = build()\nother = build()\n")
    assert [(s.name, s.detail) for s in symbols] == [("program", None)]


def test_columns_are_str_indices_not_utf8_bytes():
    text = 'é = 1; program = rasp.Map(lambda x: "ü", rasp.tokens)\n'
    (program,) = document_symbols(text)
    assert span(program.selection_range) == (0, 7, 0, 14)
    assert span(program.range) == (0, 7, 0, len(text) - 1)


def test_syntax_errors_give_no_symbols():
    assert document_symbols((FIXTURES / "broken/syntax_error.py").read_text()) == []
    assert document_symbols("program = rasp.Map(\n") == []
    assert document_symbols("program = rasp.tokens\0") == []
    assert document_symbols("") == []


# -- over LSP --

client = client_fixture()


async def test_document_symbols_over_lsp(client: LanguageClient):
    uri = await open_document(client, ROOT / "programs/positional/reverse.py")
    found = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    names = [s.name for s in found]
    assert {"length", "opposite", "flip", "program"} <= set(names)
    program = found[names.index("program")]
    assert program.range.start.line == 12
