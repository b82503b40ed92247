"""What tracr cannot compile, in the REPL: a definition still shows its value, with the warning
`rasp check` would give, and :check locates each diagnostic at the definition it is about."""

from raspstudio.repl.app import Repl

NK = "nk = rasp.numerical(rasp.Map(lambda x: x, rasp.tokens)).named('nk')"
NSEL = "nsel = rasp.Select(nk, rasp.tokens, rasp.Comparison.EQ).named('nsel')"
WARNING = (
    "RASP301 `nsel` (Select): its keys `nk` are numerical; tracr compiles a Select to an "
    "attention pattern over every pair of query and key values, so both must be categorical: "
    "select with `rasp.categorical(nk)` as the keys"
)


def test_a_select_on_numerical_keys_shows_its_matrix_with_a_warning(repl: Repl):
    repl.handle(":vocab 0 1 2")
    repl.handle(":example 0 1 2")
    repl.handle(NK)
    shown = repl.handle(NSEL).splitlines()
    assert shown[:2] == ["nsel · Select", f"  ⚠ {WARNING}"]
    assert shown[2:] == ["     0 1 2   ← keys", "  0  1 · ·", "  1  · 1 ·", "  2  · · 1"]
    assert "⚠" not in repl.handle(NK)  # nothing to say about a numerical Map


def test_check_locates_the_error_at_the_select_not_at_the_program(repl: Repl):
    repl.handle(":vocab 0 1 2")
    repl.handle(NK)
    repl.handle(NSEL)
    repl.handle("agg = rasp.Aggregate(nsel, rasp.indices).named('agg')")
    lines = repl.handle(":check agg").splitlines()
    assert f"nsel:1:8: {WARNING.replace(' ', ' error: ', 1)}" in lines
