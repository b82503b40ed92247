"""Quick fixes (textDocument/codeAction).

Each fix is tested the honest way: the real engine checks a real program, its diagnostic is
converted as the server converts it, the fix's edits are applied, and the engine checks the
result again: the diagnostic is gone and the program compiles and verifies.
"""

from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from raspstudio.engine.file_requests import Engine
from raspstudio.lsp.actions import quick_fixes
from raspstudio.report import Diagnostic
from tests.lsp_support import FIXTURES, client_fixture, open_document

# -- pure functions --

URI = "file:///work/program.py"
RASP_IMPORT = "from tracr.rasp import rasp\n"
LIB_IMPORT = "from tracr.compiler import lib\n"


def program(body: str, imports: str = RASP_IMPORT) -> str:
    return f"{imports}\nVOCAB = {{1, 2, 3}}\nMAX_SEQ_LEN = 4\n\n{body}"


def check(engine: Engine, tmp_path: Path, text: str) -> list[Diagnostic]:
    path = tmp_path / "program.py"
    path.write_text(text, encoding="utf-8")
    return engine.check_file(str(path), text).diagnostics


def to_lsp(diagnostic: Diagnostic) -> lsp.Diagnostic:
    """As the server hands it over: 0-based, columns counting characters (as the engine's do)."""

    def position(line: int, column: int) -> lsp.Position:
        return lsp.Position(line=line - 1, character=column - 1)

    span = diagnostic.span
    return lsp.Diagnostic(
        range=lsp.Range(
            start=position(span.line, span.column), end=position(span.end_line, span.end_column)
        ),
        message=diagnostic.message,
        code=diagnostic.code,
        source="rasp",
    )


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP edits (non-overlapping; inserts at one position keep their order)."""
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: lsp.Position) -> int:
        return starts[position.line] + position.character

    ordered = sorted(enumerate(edits), key=lambda e: (offset(e[1].range.start), e[0]))
    for _, edit in reversed(ordered):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def diagnostics_with(engine: Engine, tmp_path: Path, text: str, code: str) -> list:
    found = [to_lsp(d) for d in check(engine, tmp_path, text) if d.code == code]
    assert found, f"the engine reports no {code}"
    return found


SAME = 'same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same")\n'
FIRST = 'first = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.EQ).named("first")\n'
PREVS = 'prevs = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("prevs")\n'
IS_ONE = "rasp.Map(lambda x: 1 if x == 1 else 0, rasp.tokens)"
ABOVE_ODD = """\
above = rasp.Select(rasp.tokens, rasp.Map(lambda i: i + 1, rasp.indices), rasp.Comparison.GT)
odd = rasp.Select(rasp.tokens, rasp.Map(lambda i: i + 1, rasp.indices), lambda k, q: k % 2)
program = rasp.SelectorWidth({}.named("odd_above")).named("program")
"""
EITHER = """\
either = rasp.SelectorOr(
    rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.LT),
    rasp.Select(rasp.tokens, rasp.tokens, lambda key, query: key == query),
)
"""
WIDTH_OF_EITHER = 'program = rasp.SelectorWidth(either.named("either")).named("program")\n'
NESTED = """\
lt = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.LT)
eq = rasp.Select(rasp.tokens, rasp.tokens, lambda key, query: key == query)
ne = rasp.Select(rasp.tokens, rasp.tokens, lambda k, q: k != 2)
both = {}
program = rasp.SelectorWidth(both.named("both")).named("program")
"""
LENGTH = """\
opp = rasp.SequenceMap(lambda n, i: n - i - 1, {}, rasp.indices).named("opp")
flip = rasp.Select(rasp.indices, opp, rasp.Comparison.EQ).named("flip")
program = rasp.Aggregate(flip, rasp.tokens).named("reverse")
"""

# name -> (code, program, the program after the fix)
CASES = {
    "aggregate encoding: wrap its SOp": (
        "RASP301",
        program(
            f'is_one = {IS_ONE}.named("is_one")\n{PREVS}'
            'program = rasp.numerical(rasp.Aggregate(prevs, is_one, default=0)).named("frac")\n'
        ),
        program(
            f'is_one = {IS_ONE}.named("is_one")\n{PREVS}program = rasp.numerical('
            'rasp.Aggregate(prevs, rasp.numerical(is_one), default=0)).named("frac")\n'
        ),
    ),
    "aggregate encoding: switch the opposite wrapper": (
        "RASP301",
        program(
            f"{FIRST}program = rasp.Aggregate(\n"
            '    first, rasp.numerical(rasp.Map(lambda x: x - 1, rasp.tokens).named("dec"))\n'
            ').named("program")\n'
        ),
        program(
            f"{FIRST}program = rasp.Aggregate(\n"
            '    first, rasp.categorical(rasp.Map(lambda x: x - 1, rasp.tokens).named("dec"))\n'
            ').named("program")\n'
        ),
    ),
    "aggregate encoding: a SequenceMap goes through a Map": (
        "RASP301",
        program(
            "differs = rasp.SequenceMap(lambda x, i: 1 if x != i else 0, rasp.tokens, "
            f'rasp.indices).named("differs")\n{PREVS}'
            'program = rasp.numerical(rasp.Aggregate(prevs, differs, default=0)).named("frac")\n'
        ),
        program(
            "differs = rasp.SequenceMap(lambda x, i: 1 if x != i else 0, rasp.tokens, "
            f'rasp.indices).named("differs")\n{PREVS}program = rasp.numerical(rasp.Aggregate('
            'prevs, rasp.numerical(rasp.Map(lambda x: x, differs)), default=0)).named("frac")\n'
        ),
    ),
    "numerical Select keys": (
        "RASP301",
        program(
            'num = rasp.numerical(rasp.Map(lambda x: x, rasp.tokens)).named("num")\n'
            'same = rasp.Select(num, rasp.tokens, rasp.Comparison.EQ).named("same")\n'
            'program = rasp.Aggregate(same, rasp.tokens).named("program")\n'
        ),
        program(
            'num = rasp.numerical(rasp.Map(lambda x: x, rasp.tokens)).named("num")\n'
            "same = rasp.Select(rasp.categorical(num), rasp.tokens, rasp.Comparison.EQ)"
            '.named("same")\n'
            'program = rasp.Aggregate(same, rasp.tokens).named("program")\n'
        ),
    ),
    "numerical SequenceMap (multi-line)": (
        "RASP301",
        program(
            "total = rasp.numerical(\n"
            "    rasp.SequenceMap(lambda x, y: x + y, rasp.tokens, rasp.indices)\n"
            ').named("total")\n'
            'program = rasp.Map(lambda x: x % 2, total).named("program")\n'
        ),
        program(
            "total = rasp.categorical(\n"
            "    rasp.SequenceMap(lambda x, y: x + y, rasp.tokens, rasp.indices)\n"
            ').named("total")\n'
            'program = rasp.Map(lambda x: x % 2, total).named("program")\n'
        ),
    ),
    "numerical tokens": (
        "RASP301",
        program(
            "program = rasp.numerical(\n"
            "    rasp.Map(lambda x: x, rasp.numerical(rasp.tokens))\n"
            ').named("program")\n'
        ),
        program(
            "program = rasp.numerical(\n"
            "    rasp.Map(lambda x: x, rasp.categorical(rasp.tokens))\n"
            ').named("program")\n'
        ),
    ),
    "categorical LinearSequenceMap": (
        "RASP301",
        program(
            'one = rasp.numerical(rasp.Map(lambda x: 1, rasp.tokens)).named("one")\n'
            'program = rasp.LinearSequenceMap(one, one, 2, 1).named("program")\n'
        ),
        program(
            'one = rasp.numerical(rasp.Map(lambda x: 1, rasp.tokens)).named("one")\n'
            'program = rasp.numerical(rasp.LinearSequenceMap(one, one, 2, 1)).named("program")\n'
        ),
    ),
    "categorical Aggregate default": (
        "RASP301",
        program(f'{FIRST}program = rasp.Aggregate(first, rasp.tokens, default=0).named("p")\n'),
        program(f'{FIRST}program = rasp.Aggregate(first, rasp.tokens, default=None).named("p")\n'),
    ),
    "numerical Aggregate default": (
        "RASP301",
        program(
            f'is_one = rasp.numerical({IS_ONE}).named("is_one")\n{PREVS}'
            'program = rasp.numerical(rasp.Aggregate(prevs, is_one)).named("frac")\n'
        ),
        program(
            f'is_one = rasp.numerical({IS_ONE}).named("is_one")\n{PREVS}'
            'program = rasp.numerical(rasp.Aggregate(prevs, is_one, default=0)).named("frac")\n'
        ),
    ),
    "rasp.length, adding the import": (
        "RASP304",
        program(LENGTH.format("rasp.length")),
        program(LENGTH.format("lib.make_length()"), imports=RASP_IMPORT + LIB_IMPORT),
    ),
    "rasp.length bound to a name, import present": (
        "RASP304",
        program("n = rasp.length\n" + LENGTH.format("n"), imports=LIB_IMPORT + RASP_IMPORT),
        program("n = lib.make_length()\n" + LENGTH.format("n"), imports=LIB_IMPORT + RASP_IMPORT),
    ),
    "& of named Selects": (
        "RASP306",
        program(ABOVE_ODD.format("(above & odd)")),
        program(
            ABOVE_ODD.format(
                "(rasp.Select(rasp.tokens, rasp.Map(lambda i: i + 1, rasp.indices), "
                "lambda key, query: rasp.Comparison.GT(key, query) and key % 2))"
            )
        ),
    ),
    "nested composite": (
        "RASP306",
        program(NESTED.format("rasp.SelectorAnd(\n    rasp.SelectorOr(lt, eq), ne\n)")),
        program(
            NESTED.format(
                "rasp.Select(rasp.tokens, rasp.tokens, lambda key, query: "
                "(rasp.Comparison.LT(key, query) or key == query) and key != 2)"
            )
        ),
    ),
    "SelectorOr of inline Selects": (
        "RASP306",
        program(EITHER + WIDTH_OF_EITHER),
        program(
            "either = rasp.Select(rasp.tokens, rasp.tokens, "
            "lambda key, query: rasp.Comparison.LT(key, query) or key == query)\n" + WIDTH_OF_EITHER
        ),
    ),
    "unnamed, assigned": (
        "RASP605",
        program(f'{SAME}count = rasp.SelectorWidth(same)\nprogram = (count + 1).named("p")\n'),
        program(
            f'{SAME}count = rasp.SelectorWidth(same).named("count")\n'
            'program = (count + 1).named("p")\n'
        ),
    ),
    "unnamed, inside an encoding wrapper": (
        "RASP605",
        program(
            f'is_one = rasp.numerical({IS_ONE}).named("is_one")\n{PREVS}'
            "frac = rasp.numerical(rasp.Aggregate(prevs, is_one, default=0))\n"
            "program = frac\n"
        ),
        program(
            f'is_one = rasp.numerical({IS_ONE}).named("is_one")\n{PREVS}'
            'frac = rasp.numerical(rasp.Aggregate(prevs, is_one, default=0).named("frac"))\n'
            "program = frac\n"
        ),
    ),
    "unnamed operator, not assigned": (
        "RASP605",
        program(
            f"{SAME}program = rasp.SequenceMap(max, rasp.indices, "
            'rasp.SelectorWidth(same).named("w") - 1).named("p")\n'
        ),
        program(
            f"{SAME}program = rasp.SequenceMap(max, rasp.indices, "
            '(rasp.SelectorWidth(same).named("w") - 1).named("program_map")).named("p")\n'
        ),
    ),
    "non-ASCII text before the expression": (
        "RASP605",
        program(f"# Größe zählt — ✓\n{SAME}größe = rasp.SelectorWidth(same)\nprogram = größe\n"),
        program(
            f'# Größe zählt — ✓\n{SAME}größe = rasp.SelectorWidth(same).named("größe")\n'
            "program = größe\n"
        ),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_fix_repairs_the_program(engine: Engine, tmp_path: Path, case: str) -> None:
    code, before, expected = CASES[case]
    diagnostic = diagnostics_with(engine, tmp_path, before, code)[0]

    actions = quick_fixes(before, URI, [diagnostic])

    assert len(actions) == 1, [a.title for a in actions]
    action = actions[0]
    assert action.kind == lsp.CodeActionKind.QuickFix
    assert action.diagnostics == [diagnostic]
    assert action.is_preferred
    fixed = apply(before, action.edit.changes[URI])
    assert fixed == expected
    after = check(engine, tmp_path, fixed)
    assert code not in {d.code for d in after}, [d.message for d in after]
    assert [d.message for d in after if d.severity == "error"] == []


def test_no_combined_select_over_different_keys(engine: Engine, tmp_path: Path) -> None:
    text = program(
        'earlier = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LT).named("e")\n'
        f'{SAME}both = (earlier & same).named("both")\n'
        'program = rasp.SelectorWidth(both).named("program")\n'
    )
    diagnostics = diagnostics_with(engine, tmp_path, text, "RASP306")

    assert quick_fixes(text, URI, diagnostics) == []


def test_no_categorical_copy_of_an_average(engine: Engine, tmp_path: Path) -> None:
    """tracr would build the conversion only for the means 0 and 1/n: no fix is offered."""
    text = program(
        f'is_one = rasp.numerical({IS_ONE}).named("is_one")\n{PREVS}'
        'frac = rasp.numerical(rasp.Aggregate(prevs, is_one, default=0)).named("frac")\n'
        'same = rasp.Select(frac, rasp.tokens, rasp.Comparison.EQ).named("same")\n'
        'program = rasp.SelectorWidth(same).named("program")\n'
    )
    diagnostics = diagnostics_with(engine, tmp_path, text, "RASP301")

    assert quick_fixes(text, URI, diagnostics) == []


def test_unparsable_text_gets_no_fixes(engine: Engine, tmp_path: Path) -> None:
    """The user kept typing after the check: the stale diagnostics get no edits."""
    text = CASES["unnamed, assigned"][1]
    diagnostics = diagnostics_with(engine, tmp_path, text, "RASP605")

    assert quick_fixes(text + "program = (\n", URI, diagnostics) == []


def test_diagnostics_without_fixes_are_ignored() -> None:
    text = program("program = rasp.tokens\n")
    elsewhere = lsp.Range(
        start=lsp.Position(line=99, character=0), end=lsp.Position(line=99, character=3)
    )
    diagnostics = [
        lsp.Diagnostic(range=elsewhere, message="`x` (Map) has no name", code="RASP605"),
        lsp.Diagnostic(range=elsewhere, message="anything", code="RASP501"),
    ]

    assert quick_fixes(text, URI, diagnostics) == []


# -- over LSP --

client = client_fixture()

EMOJI = """from tracr.rasp import rasp

VOCAB = {1, 2}
MAX_SEQ_LEN = 3

tag = "\U0001f600"; program = rasp.Map(lambda x: x + 1, rasp.tokens)
"""


def _apply_utf16(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP edits whose columns count UTF-16 units, as an editor does."""
    lines = text.splitlines(keepends=True)

    def offset(p: lsp.Position) -> int:
        line = lines[p.line].encode("utf-16-le")[: 2 * p.character].decode("utf-16-le")
        return sum(len(s) for s in lines[: p.line]) + len(line)

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def _fixes(client: LanguageClient, uri: str) -> list[lsp.CodeAction]:
    diagnostics = list(client.diagnostics[uri])
    return await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=lsp.CodeActionContext(diagnostics=diagnostics),
        )
    )


async def test_quick_fix_over_lsp_replaces_rasp_length(client: LanguageClient):
    path = FIXTURES / "length_primitive.py"
    uri = await open_document(client, path)
    (fix,) = [f for f in await _fixes(client, uri) if "make_length" in f.title]
    assert fix.kind == lsp.CodeActionKind.QuickFix
    assert [str(d.code) for d in fix.diagnostics] == ["RASP304"]
    fixed = _apply_utf16(path.read_text(), fix.edit.changes[uri])
    assert "lib.make_length()" in fixed
    assert fixed.count("rasp.length") == path.read_text().count("rasp.length") - 1


async def test_quick_fix_edits_count_utf16_units(client: LanguageClient, tmp_path: Path):
    uri = await open_document(client, tmp_path / "emoji.py", EMOJI)
    (fix,) = [f for f in await _fixes(client, uri) if ".named" in f.title]
    fixed = _apply_utf16(EMOJI, fix.edit.changes[uri])
    assert 'rasp.Map(lambda x: x + 1, rasp.tokens).named("program")\n' in fixed
